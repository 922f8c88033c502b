// `kube-netlint lsp` with a real client: Debian's Neovim, headless, its built-in LSP client driven
// by test/data/nvim-lsp.lua on a copy of test/data/lsp-workspace. .ci/run installs neovim.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, ROOT } from './helpers';
import { workspaceCopy } from './lsp-client';

const t = suite('neovim lsp client');

const hasNvim = spawnSync('sh', ['-c', 'command -v nvim']).status === 0;

if (!hasNvim) {
  t('neovim', () => {
    console.log(
      '\n  SKIPPED: Neovim LSP client test: nvim is missing; .ci/run installs it (apt-get install neovim).',
    );
  });
} else {
  t('diagnostics, unsaved edits across buffers and a code action, in Neovim', () => {
    const root = workspaceCopy();
    const out = path.join(root, '..', `${path.basename(root)}-nvim.json`);
    const run = spawnSync(
      'nvim',
      [
        '--headless',
        '-u',
        'NONE',
        '-i',
        'NONE',
        '-n',
        '+luafile ' + path.join(ROOT, 'test', 'data', 'nvim-lsp.lua'),
      ],
      {
        cwd: root,
        env: { ...process.env, KNL_ROOT: root, KNL_BIN: BIN, KNL_OUT: out },
        encoding: 'utf8',
        // A kill-timeout for a hung editor, not an assertion on speed.
        timeout: 300_000,
      },
    );
    let results: {
      steps: { name: string; ok: boolean }[];
      actions?: string[];
      policy?: string;
      modified?: boolean;
      error?: string;
    };
    try {
      results = JSON.parse(readFileSync(out, 'utf8')) as typeof results;
    } catch {
      assert.unreachable(`nvim wrote no results (status ${run.status}): ${run.stderr}`);
      return;
    }
    assert.equal(results.error, undefined);
    assert.equal(
      results.steps.map((s) => `${s.name}: ${s.ok}`),
      [
        'service diagnostic: true',
        'cleared after unsaved selector edit: true',
        'returns after editing the Deployment: true',
        'policy diagnostic: true',
        'cleared after the quick fix: true',
      ],
    );
    assert.match(results.actions?.join('\n') ?? '', /Disable cidr-not-canonical for this line/);
    assert.match(results.policy ?? '', 'cidr: 203.0.113.0/24');
    assert.equal(results.modified, true, 'the fix edits the buffer, unsaved');
    // The disk is untouched: every edit stayed in buffers.
    assert.match(readFileSync(path.join(root, 'policy.yaml'), 'utf8'), 'cidr: 203.0.113.77/24');
  });
}

t.run();
