// `kube-netlint lsp` at the protocol level: the real server process, driven over its stdio by
// vscode-languageserver's client-side connection, on a copy of test/data/lsp-workspace.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver/node';
import { parseCommandLine } from '../src/cli/args';
import { ROOT } from './helpers';
import { LSP_WORKSPACE, TestClient, uriOf, workspaceCopy } from './lsp-client';

const t = suite('lsp protocol');

const read = (root: string, file: string): string => readFileSync(path.join(root, file), 'utf8');

t('diagnostics follow unsaved edits across files; half-typed YAML keeps the server up', async () => {
  const root = workspaceCopy();
  const c = new TestClient(root);
  try {
    await c.initialize();
    const svc = read(root, 'service.yaml');
    await c.open('service.yaml', svc);
    await c.until('the Service finding', () => c.codes('service.yaml').includes('service-selector-no-match'));
    const d = (c.diagnostics.get(uriOf(path.join(root, 'service.yaml'))) ?? []).find(
      (x) => x.code === 'service-selector-no-match',
    ) as Diagnostic;
    // Line 7 (1-based) holds `  selector:`: 0-based line 6, from the key.
    assert.equal(d.range.start, { line: 6, character: 2 });
    assert.equal(d.severity, 2);
    assert.equal(d.source, 'kube-netlint');
    assert.match(d.codeDescription?.href ?? '', /docs\/rules\/service-selector-no-match\.md$/);
    // The Ingress in another file depends on the Service: its finding names it as related.
    await c.until('the Ingress finding', () =>
      c.codes('ingress.yaml').includes('ingress-backend-no-endpoints'),
    );
    const ing = (c.diagnostics.get(uriOf(path.join(root, 'ingress.yaml'))) ?? []).find(
      (x) => x.code === 'ingress-backend-no-endpoints',
    ) as Diagnostic;
    assert.ok(ing.relatedInformation?.some((r) => r.location.uri === uriOf(path.join(root, 'service.yaml'))));

    // The selector fixed in the buffer, not saved: the Service and the Ingress findings clear.
    await c.change('service.yaml', svc.replace('app: frontend', 'app: web'));
    await c.until(
      'the Service finding to clear',
      () => !c.codes('service.yaml').includes('service-selector-no-match'),
    );
    await c.until(
      'the Ingress finding to clear',
      () => !c.codes('ingress.yaml').includes('ingress-backend-no-endpoints'),
    );
    assert.equal(read(root, 'service.yaml'), svc, 'nothing is written to disk');

    // The Deployment's labels edited in another buffer: the Service finding returns.
    const deploy = read(root, 'deployment.yaml');
    await c.open('deployment.yaml', deploy);
    await c.change('deployment.yaml', deploy.replace(/app: web/g, 'app: api'));
    await c.until('the Service finding to return', () =>
      c.codes('service.yaml').includes('service-selector-no-match'),
    );

    // Half-typed YAML: a parse diagnostic for that file, the other files keep theirs.
    await c.change('deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: [web\n');
    await c.until('a parse error', () => c.codes('deployment.yaml').includes('parse-error'));
    assert.ok(c.codes('service.yaml').length > 0, 'the Service keeps its diagnostics');
    assert.ok(c.codes('policy.yaml').includes('cidr-not-canonical'), 'the policy keeps its diagnostics');
    // Still serving: a request is answered after the bad input.
    await c.change('deployment.yaml', deploy);
    await c.until('the parse error to clear', () => !c.codes('deployment.yaml').includes('parse-error'));
    assert.equal(await c.stop(), 0);
  } finally {
    c.child.kill();
  }
});

function apply(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start)))
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

t(
  'code actions: the rule fix, a line directive and an object annotation, each clearing the finding',
  async () => {
    const root = workspaceCopy();
    const c = new TestClient(root);
    try {
      await c.initialize();
      const text = read(root, 'policy.yaml');
      const uri = uriOf(path.join(root, 'policy.yaml'));
      await c.open('policy.yaml', text);
      await c.until('the cidr finding', () => c.codes('policy.yaml').includes('cidr-not-canonical'));
      const d = (c.diagnostics.get(uri) ?? []).find((x) => x.code === 'cidr-not-canonical') as Diagnostic;
      const actions = (await c.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri },
        range: d.range,
        context: { diagnostics: [d] },
      })) as CodeAction[];
      const titles = actions.map((a) => a.title);
      assert.equal(actions[0]?.isPreferred, true, titles.join(' | '));
      const edited = (a: CodeAction | undefined): string => apply(text, a?.edit?.changes?.[uri] ?? []);

      const fixed = edited(actions[0]);
      assert.match(fixed, 'cidr: 203.0.113.0/24');
      const line = edited(actions.find((a) => a.title.includes('for this line')));
      assert.match(line, /\n {12}# kube-netlint-disable-next-line cidr-not-canonical -- reason\n {12}cidr:/);
      const annotated = edited(actions.find((a) => a.title.includes('(annotation)')));
      assert.match(
        annotated,
        /metadata:\n {2}annotations:\n {4}kube-netlint.io\/ignore: cidr-not-canonical\n/,
      );

      // Each edit, sent as the buffer, makes the finding go away (the engine honours what was inserted).
      for (const next of [fixed, line, annotated]) {
        await c.change('policy.yaml', text);
        await c.until('the finding', () => c.codes('policy.yaml').includes('cidr-not-canonical'));
        await c.change('policy.yaml', next);
        await c.until('the finding to clear', () => !c.codes('policy.yaml').includes('cidr-not-canonical'));
      }
      await c.stop();
    } finally {
      c.child.kill();
    }
  },
);

t('hover, go to definition and find references answer from the model', async () => {
  const root = workspaceCopy();
  const c = new TestClient(root);
  const at = (file: string, line: number, character: number) => ({
    textDocument: { uri: uriOf(path.join(root, file)) },
    position: { line, character },
  });
  type Loc = { uri: string; range: { start: { line: number } } };
  const where = (locs: Loc[] | null): string[] =>
    (locs ?? []).map((l) => `${path.basename(l.uri)}:${l.range.start.line + 1}`).sort();
  try {
    await c.initialize();
    const svc = read(root, 'service.yaml');
    await c.open('service.yaml', svc);
    await c.until('diagnostics', () => c.codes('service.yaml').length > 0);
    // 0-based positions: line 8 is `    app: frontend`.
    const miss = (await c.connection.sendRequest('textDocument/hover', at('service.yaml', 7, 6))) as {
      contents: { value: string };
    };
    assert.match(miss.contents.value, 'no workload in the input');
    assert.match(miss.contents.value, /Closest: Deployment \*\*web\*\*/);
    await c.change('service.yaml', svc.replace('app: frontend', 'app: web'));
    const hit = (await c.connection.sendRequest('textDocument/hover', at('service.yaml', 7, 6))) as {
      contents: { value: string };
    };
    assert.match(hit.contents.value, /1 workload:\n- Deployment \*\*web\*\* \(shop\) — deployment\.yaml:12/);
    const def = (file: string, line: number, ch: number) =>
      c.connection.sendRequest('textDocument/definition', at(file, line, ch)) as Promise<Loc[] | null>;
    // Selector → the pod template labels; targetPort: http → the container port.
    assert.equal(where(await def('service.yaml', 7, 6)), ['deployment.yaml:12']);
    assert.equal(where(await def('service.yaml', 11, 20)), ['deployment.yaml:19']);
    // Ingress backend name → the Service; its port name → the Service port.
    assert.equal(where(await def('ingress.yaml', 14, 24)), ['service.yaml:4']);
    assert.equal(where(await def('ingress.yaml', 16, 26)), ['service.yaml:10']);
    // From the Deployment: the Service, the policy and the Ingress that route to or select it.
    const refs = (await c.connection.sendRequest('textDocument/references', {
      ...at('deployment.yaml', 3, 8),
      context: { includeDeclaration: false },
    })) as Loc[];
    assert.equal(where(refs), ['ingress.yaml:13', 'policy.yaml:7', 'service.yaml:7']);
    await c.stop();
  } finally {
    c.child.kill();
  }
});

t('lsp takes the transport flags clients add, and no linter option; a lint run does not load it', () => {
  assert.equal(parseCommandLine(['lsp']), { name: 'lsp' });
  assert.equal(parseCommandLine(['lsp', '--stdio', '--clientProcessId=42']), { name: 'lsp' });
  assert.throws(() => parseCommandLine(['lsp', '--format', 'json']), /lsp: unknown argument '--format'/);
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      `const m = require(${JSON.stringify(path.join(ROOT, 'dist/src/cli/main.js'))});
       m.main(['--no-config', ${JSON.stringify(LSP_WORKSPACE)}], { cwd: process.cwd(), env: {}, stdout() {}, stderr() {}, stdoutIsTTY: false })
        .then(() => process.stdout.write(String(Object.keys(require.cache).filter((k) => k.includes('vscode-languageserver')).length)));`,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(probe.stdout.trim(), '0', probe.stderr);
});

t.run();
