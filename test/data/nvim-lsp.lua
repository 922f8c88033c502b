-- Drives `kube-netlint lsp` from Neovim's built-in LSP client (headless), for test/nvim.test.ts.
-- vim.lsp.start_client and buf_attach_client: present since Neovim 0.5, so Debian 12's 0.7 runs it
-- (vim.lsp.start, which the README shows, came in 0.8).
-- Environment: KNL_ROOT (the workspace), KNL_BIN (bin/kube-netlint.js), KNL_OUT (the JSON written).
local root = os.getenv('KNL_ROOT')
local out = os.getenv('KNL_OUT')
local results = { steps = {} }
local published = {}

local function finish()
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(results))
  f:close()
  vim.cmd('qall!')
end

-- Waiting is bounded so a broken server ends the script (the test then fails on the step).
local function wait(pred)
  return vim.wait(60000, pred, 20)
end

local function has(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then
      return true
    end
  end
  return false
end

local function step(name, ok)
  table.insert(results.steps, { name = name, ok = ok and true or false })
end

local ok, err = pcall(function()
  local client_id = vim.lsp.start_client({
    name = 'kube-netlint',
    cmd = { 'node', os.getenv('KNL_BIN'), 'lsp', '--stdio' },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'fixture' } },
    handlers = {
      -- Keeps the protocol's diagnostics too, to send them back with the code action request.
      ['textDocument/publishDiagnostics'] = function(e, result, ctx, config)
        published[result.uri] = result.diagnostics
        vim.lsp.diagnostic.on_publish_diagnostics(e, result, ctx, config)
      end,
    },
  })
  local function open(name)
    local buf = vim.fn.bufadd(root .. '/' .. name)
    vim.fn.bufload(buf)
    vim.lsp.buf_attach_client(buf, client_id)
    return buf
  end
  local function replace(buf, from, to)
    local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
    for i, l in ipairs(lines) do
      if l:find(from, 1, true) then
        vim.api.nvim_buf_set_lines(buf, i - 1, i, false, { (l:gsub(vim.pesc(from), to)) })
      end
    end
  end

  local svc = open('service.yaml')
  step('service diagnostic', wait(function() return has(svc, 'service-selector-no-match') end))

  replace(svc, 'app: frontend', 'app: web')
  step('cleared after unsaved selector edit', wait(function() return not has(svc, 'service-selector-no-match') end))

  local deploy = open('deployment.yaml')
  replace(deploy, 'app: web', 'app: api')
  step('returns after editing the Deployment', wait(function() return has(svc, 'service-selector-no-match') end))

  local policy = open('policy.yaml')
  step('policy diagnostic', wait(function() return has(policy, 'cidr-not-canonical') end))
  local uri = vim.uri_from_bufnr(policy)
  local diag
  for _, d in ipairs(published[uri] or {}) do
    if d.code == 'cidr-not-canonical' then
      diag = d
    end
  end
  local responses = vim.lsp.buf_request_sync(policy, 'textDocument/codeAction', {
    textDocument = { uri = uri },
    range = diag.range,
    context = { diagnostics = { diag } },
  }, 60000)
  local actions = {}
  for _, r in pairs(responses or {}) do
    for _, a in ipairs(r.result or {}) do
      table.insert(actions, a)
    end
  end
  results.actions = vim.tbl_map(function(a) return a.title end, actions)
  vim.lsp.util.apply_workspace_edit(actions[1].edit, 'utf-16')
  results.policy = table.concat(vim.api.nvim_buf_get_lines(policy, 0, -1, false), '\n')
  step('cleared after the quick fix', wait(function() return not has(policy, 'cidr-not-canonical') end))
  results.modified = vim.bo[policy].modified
end)
if not ok then
  results.error = tostring(err)
end
finish()
