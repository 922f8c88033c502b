// The GitHub Action, run as GitHub runs it: node action/index.js with the INPUT_* and GITHUB_*
// environment, in a temporary git repository.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from 'esbuild';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { ROOT, tempDir } from './helpers';

const BUNDLE = path.join(ROOT, 'action', 'index.js');
const ACTION_YML = path.join(ROOT, 'action.yml');

interface ActionMeta {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

/** action.yml read as GitHub reads it: YAML 1.2, strict, duplicate keys refused. */
function actionMeta(): ActionMeta {
  return parseYaml(readFileSync(ACTION_YML, 'utf8'), { strict: true, uniqueKeys: true }) as ActionMeta;
}

/**
 * The environment the runner gives a JavaScript action: every input of action.yml as
 * INPUT_<NAME> (upper case, spaces to underscores, dashes kept), its `with:` value or else its default.
 */
function inputsEnv(withValues: Record<string, string>): Record<string, string> {
  const meta = actionMeta();
  for (const name of Object.keys(withValues))
    assert.ok(name in meta.inputs, `the test passes input '${name}', which action.yml does not declare`);
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(meta.inputs)) {
    const value = withValues[name] ?? spec.default;
    if (value !== undefined) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return env;
}
const BROKEN =
  'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: webb}\n  ports: [{port: 80}]\n---\n' +
  'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template: {metadata: {labels: {app: web}}}\n';

function workspace(): { dir: string; env: Record<string, string> } {
  const dir = tempDir();
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 't@example.com');
  git('config', 'user.name', 't');
  writeFileSync(path.join(dir, 'app.yaml'), BROKEN);
  git('add', '.');
  git('commit', '-qm', 'base');
  const out = path.join(dir, '.github-output');
  const summary = path.join(dir, '.github-summary');
  writeFileSync(out, '');
  writeFileSync(summary, '');
  return { dir, env: { GITHUB_WORKSPACE: dir, GITHUB_OUTPUT: out, GITHUB_STEP_SUMMARY: summary } };
}

function runAction(env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('INPUT_') && !k.startsWith('GITHUB_') && k !== 'RUNNER_TEMP',
    ),
  );
  return spawnSync(process.execPath, [BUNDLE], {
    env: { ...clean, ...env },
    encoding: 'utf8',
    cwd: env['GITHUB_WORKSPACE'],
  });
}

const a = suite('GitHub Action');

a('action.yml is strict YAML and valid against the metadata syntax, on node24', () => {
  const meta = actionMeta();
  const schema = JSON.parse(
    readFileSync(path.join(ROOT, 'test', 'data', 'action-metadata.schema.json'), 'utf8'),
  ) as object;
  const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
  assert.ok(validate(meta), JSON.stringify(validate.errors, null, 2));
  assert.is(meta.runs.using, 'node24');
  assert.is(meta.runs.main, 'action/index.js');
});

a("the README's workflow parses, uses current majors, and passes only declared inputs", () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### GitHub Action'), readme.indexOf('### pre-commit'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
  const wf = parseYaml(block, { strict: true, uniqueKeys: true }) as {
    permissions: Record<string, string>;
    jobs: { lint: { steps: { uses?: string; with?: Record<string, string> }[] } };
  };
  assert.equal(wf.permissions, { contents: 'read', actions: 'read', 'security-events': 'write' });
  const steps = wf.jobs.lint.steps;
  const uses = steps.map((st) => st.uses);
  assert.ok(uses.includes('actions/checkout@v7'), String(uses));
  assert.ok(uses.includes('github/codeql-action/upload-sarif@v4'), String(uses));
  const ours = steps.find((st) => st.uses?.startsWith('kube-netlint/kube-netlint@'))!;
  const declared = Object.keys(actionMeta().inputs);
  for (const key of Object.keys(ours.with ?? {})) assert.ok(declared.includes(key), `README passes '${key}'`);
});

a('every input the code reads is declared in action.yml, and every declared input is read', () => {
  const source = readFileSync(path.join(ROOT, 'src', 'action', 'main.ts'), 'utf8');
  const read = new Set([...source.matchAll(/\binput\(env, '([^']+)'/g)].map((m) => m[1]));
  assert.equal([...read].sort(), Object.keys(actionMeta().inputs).sort());
  const written = new Set([...source.matchAll(/\boutput\(\s*'([^']+)'/g)].map((m) => m[1]));
  assert.equal([...written].sort(), Object.keys(actionMeta().outputs).sort());
});

a('the committed bundle is up to date with the sources (npm run bundle)', async () => {
  const r = await build({
    entryPoints: [path.join(ROOT, 'src', 'action', 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    legalComments: 'none',
    write: false,
    absWorkingDir: ROOT,
    outfile: BUNDLE,
    logLevel: 'silent',
  });
  assert.ok(
    r.outputFiles[0]!.text === readFileSync(BUNDLE, 'utf8'),
    'action/index.js is stale: run npm run bundle and commit it',
  );
});

a('SARIF, outputs, annotations, summary and exit code for each fail-on', () => {
  const expected: Record<string, number> = { error: 1, warning: 1, warn: 1, note: 1, never: 0 };
  for (const [failOn, code] of Object.entries(expected)) {
    const { dir, env } = workspace();
    const r = runAction({
      ...env,
      ...inputsEnv({ 'fail-on': failOn, paths: '.', 'sarif-file': 'results.sarif' }),
    });
    assert.is(r.status, code, `fail-on ${failOn}: ${r.stdout}${r.stderr}`);
    const sarif = JSON.parse(readFileSync(path.join(dir, 'results.sarif'), 'utf8')) as {
      runs: { results: { ruleId: string }[] }[];
    };
    assert.equal(
      sarif.runs[0]!.results.map((x) => x.ruleId),
      ['service-selector-no-match'],
    );
    assert.match(r.stdout, /^::error file=app\.yaml,line=5,col=13,/m);
    const outputs = readFileSync(env['GITHUB_OUTPUT']!, 'utf8');
    assert.match(
      outputs,
      new RegExp(
        `^sarif-file=${path.join(dir, 'results.sarif').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
        'm',
      ),
    );
    assert.match(outputs, /^errors=1$/m);
    assert.match(outputs, /^warnings=0$/m);
    assert.match(
      readFileSync(env['GITHUB_STEP_SUMMARY']!, 'utf8'),
      /^\| Error \| app\\\.yaml\\:5 \| Service web selects app=webb.* \| \[`service-selector-no-match`\]\(https:\/\/\S+\/service-selector-no-match\.md\) \|$/m,
    );
  }
});

a('only-changed reports only what the pull request touches', () => {
  const { dir, env } = workspace();
  const base = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
  writeFileSync(
    path.join(dir, 'new.yaml'),
    'apiVersion: v1\nkind: Service\nmetadata: {name: new}\nspec:\n  selector: {app: webb}\n  ports: [{port: 80}]\n',
  );
  const event = path.join(dir, '.event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { base: { sha: base } } }));
  const r = runAction({
    ...env,
    ...inputsEnv({ 'only-changed': 'true', 'fail-on': 'error' }),
    GITHUB_EVENT_PATH: event,
  });
  assert.is(r.status, 1);
  const sarif = JSON.parse(readFileSync(path.join(dir, 'kube-netlint.sarif'), 'utf8')) as {
    runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
  };
  assert.equal(
    sarif.runs[0]!.results.map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri),
    ['new.yaml'],
  );
});

const DEPLOY =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}]}\n';
const SERVICE = (port: number) =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: ${port}, targetPort: http}]\n`;
const INGRESS =
  'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site}\nspec:\n  defaultBackend:\n    service: {name: web, port: {number: 80}}\n';

/**
 * A pull request as the runner sees it: the origin has the base commit and the head commit that moves
 * Service web from port 80 to 8000 (breaking the Ingress in another file); the workspace is a
 * one-commit-deep clone of the head, as actions/checkout makes by default.
 */
function pullRequest(): { dir: string; env: Record<string, string>; base: string; head: string } {
  const origin = tempDir();
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, { cwd, encoding: 'utf8', stdio: 'pipe' }).trim();
  git(origin, 'init', '-q', '-b', 'main');
  git(origin, 'config', 'user.email', 't@example.com');
  git(origin, 'config', 'user.name', 't');
  writeFileSync(path.join(origin, 'deploy.yaml'), DEPLOY);
  writeFileSync(path.join(origin, 'service.yaml'), SERVICE(80));
  writeFileSync(path.join(origin, 'ingress.yaml'), INGRESS);
  git(origin, 'add', '.');
  git(origin, 'commit', '-qm', 'base');
  const base = git(origin, 'rev-parse', 'HEAD');
  writeFileSync(path.join(origin, 'service.yaml'), SERVICE(8000));
  git(origin, 'commit', '-qam', 'port 8000');
  const head = git(origin, 'rev-parse', 'HEAD');
  const dir = path.join(tempDir(), 'ws');
  git(origin, 'clone', '-q', '--depth=1', `file://${origin}`, dir);
  assert.is(git(dir, 'rev-parse', '--is-shallow-repository'), 'true');
  const event = path.join(tempDir(), 'event.json');
  writeFileSync(
    event,
    JSON.stringify({
      pull_request: { number: 7, base: { sha: base, ref: 'main' }, head: { sha: head, ref: 'port' } },
      repository: { full_name: 'acme/shop' },
    }),
  );
  const out = path.join(tempDir(), 'output');
  const summary = path.join(tempDir(), 'summary');
  writeFileSync(out, '');
  writeFileSync(summary, '');
  return {
    dir,
    base,
    head,
    env: {
      GITHUB_WORKSPACE: dir,
      GITHUB_OUTPUT: out,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: event,
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_SHA: head,
    },
  };
}

a('only-changed on a shallow clone: fetches the base, reports the Ingress the Service change breaks', () => {
  const pr = pullRequest();
  const r = runAction({ ...pr.env, ...inputsEnv({ 'only-changed': 'true' }) });
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.match(
    r.stdout,
    /^::error file=ingress\.yaml,line=6,col=\d+,.*title=kube-netlint ingress-backend-port-missing::/m,
  );
  const sarif = JSON.parse(readFileSync(path.join(pr.dir, 'kube-netlint.sarif'), 'utf8')) as {
    runs: { results: { ruleId: string }[] }[];
  };
  assert.equal(
    sarif.runs[0]!.results.map((x) => x.ruleId),
    ['ingress-backend-port-missing'],
  );
  assert.match(readFileSync(pr.env['GITHUB_OUTPUT']!, 'utf8'), /^errors=1$/m);
  // The summary lists the finding, linked to the file at the pull request head.
  const summary = readFileSync(pr.env['GITHUB_STEP_SUMMARY']!, 'utf8');
  assert.ok(
    summary.includes(
      `| Error | [ingress\\.yaml\\:6](https://github.com/acme/shop/blob/${pr.head}/ingress.yaml#L6) | Ingress site → Service web\\:80\\: Service web has`,
    ),
    summary,
  );
});

a('only-changed when the base cannot be fetched: exit 2, says what to set', () => {
  const pr = pullRequest();
  execFileSync('git', ['remote', 'set-url', 'origin', path.join(tempDir(), 'gone')], { cwd: pr.dir });
  const r = runAction({ ...pr.env, ...inputsEnv({ 'only-changed': 'true' }) });
  assert.is(r.status, 2, r.stdout + r.stderr);
  assert.match(
    r.stdout,
    /^::error title=kube-netlint::only-changed: .*set 'fetch-depth: 0' on actions\/checkout/m,
  );
});

a('paths without a Kubernetes object: a warning annotation, exit 0', () => {
  const { dir, env } = workspace();
  writeFileSync(path.join(dir, 'values.yaml'), 'replicas: 2\n');
  const r = runAction({ ...env, ...inputsEnv({ paths: 'values.yaml' }) });
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^::warning title=kube-netlint::no Kubernetes objects in values\.yaml/m);
});

a('a bad input or config fails with one annotation, exit 2', () => {
  const { env } = workspace();
  const r = runAction({ ...env, ...inputsEnv({ 'fail-on': 'sometimes' }) });
  assert.is(r.status, 2);
  assert.match(r.stdout, /^::error title=kube-netlint::input fail-on/m);
  const r2 = runAction({ ...env, ...inputsEnv({ config: 'missing.yaml' }) });
  assert.is(r2.status, 2);
  assert.match(r2.stdout, /config file not found/);
  // The upload step (if: always()) still finds a valid SARIF, which says the run failed.
  const sarif = JSON.parse(
    readFileSync(path.join(env['GITHUB_WORKSPACE']!, 'kube-netlint.sarif'), 'utf8'),
  ) as {
    runs: {
      results: unknown[];
      invocations: {
        executionSuccessful: boolean;
        toolExecutionNotifications: { message: { text: string } }[];
      }[];
    }[];
  };
  assert.equal(sarif.runs[0]!.results, []);
  assert.is(sarif.runs[0]!.invocations[0]!.executionSuccessful, false);
  assert.match(
    sarif.runs[0]!.invocations[0]!.toolExecutionNotifications[0]!.message.text,
    /config file not found/,
  );
  assert.match(readFileSync(env['GITHUB_OUTPUT']!, 'utf8'), /^sarif-file=.*kube-netlint\.sarif$/m);
});

a.run();
