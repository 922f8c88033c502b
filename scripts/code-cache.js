#!/usr/bin/env node
// Writes V8's code cache for the CLI bundle (argument 1) next to it, as cli.bundle.cache. The bundle
// is compiled as bin/kube-netlint.js compiles it, then lints a small sample, so that the cache holds
// the functions a run compiles, not only the top level. Failing here only costs start-up time.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const bundle = path.resolve(process.argv[2]);
const sample = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-netlint-code-cache-'));
fs.writeFileSync(
  path.join(sample, 'app.yaml'),
  [
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}]}\n',
    'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: webb}\n  ports: [{port: 80, targetPort: http}]\n',
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]\n',
  ].join('---\n'),
);
const script = new vm.Script(Module.wrap(fs.readFileSync(bundle, 'utf8')), { filename: bundle });
const mod = { exports: {} };
script.runInThisContext()(mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
const io = { cwd: sample, env: {}, stdout: () => {}, stderr: () => {}, stdoutIsTTY: false };
mod.exports
  .main([sample, '--no-config', '--fail-on', 'never'], io)
  .then(() =>
    fs.writeFileSync(path.join(path.dirname(bundle), 'cli.bundle.cache'), script.createCachedData()),
  )
  .catch((e) => process.stderr.write(`code cache not written: ${e instanceof Error ? e.message : e}\n`))
  .finally(() => fs.rmSync(sample, { recursive: true, force: true }));
