// Adversarial repositories for the model's indexes (issue #22): each one stresses one index where a
// scan per selector would make time grow with the square of the input. Deterministic, no randomness.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Generated } from './generate';

/** Writes documents 100 to a file, as the files of a large generated repository hold them. */
function writeChunks(dir: string, docs: readonly string[]): Generated {
  mkdirSync(dir, { recursive: true });
  let files = 0;
  let bytes = 0;
  for (let start = 0; start < docs.length; start += 100) {
    const text = docs.slice(start, start + 100).join('---\n');
    writeFileSync(path.join(dir, `part-${String(start / 100).padStart(5, '0')}.yaml`), text);
    files++;
    bytes += Buffer.byteLength(text);
  }
  return { dir, documents: docs.length, files, bytes };
}

/** (a) One namespace with `workloads` Deployments and one NetworkPolicy per ten of them. */
export function crowdedNamespace(dir: string, workloads = 20_000): Generated {
  const docs: string[] = [];
  for (let i = 0; i < workloads; i++) {
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${i}, namespace: crowded}
spec:
  selector: {matchLabels: {app: app-${i}}}
  template:
    metadata: {labels: {app: app-${i}, tier: t${i % 50}}}
    spec:
      containers: [{name: app, image: app:1, ports: [{name: http, containerPort: 8080}]}]
`);
    if (i % 10 === 0)
      docs.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: policy-${i}, namespace: crowded}
spec:
  podSelector: {matchLabels: {app: app-${i}}}
  ingress:
    - from: [{podSelector: {matchLabels: {tier: t${(i / 10) % 50}}}}, {podSelector: {matchLabels: {app: app-${(i + 1) % workloads}}}}]
      ports: [{port: http}]
  egress:
    - to: [{podSelector: {matchExpressions: [{key: tier, operator: In, values: [t1, t2]}]}}]
`);
  }
  return writeChunks(dir, docs);
}

/**
 * (b) One label every pod carries (`mesh: enabled`), across namespaces, selected by every Service
 * and by a peer of every policy: the index's list for that label holds every pod.
 */
export function sharedLabel(dir: string, workloads = 5_000): Generated {
  const docs: string[] = [];
  const perNamespace = 50;
  for (let i = 0; i < workloads; i++) {
    const ns = `ns-${Math.floor(i / perNamespace)}`;
    if (i % perNamespace === 0)
      docs.push(`apiVersion: v1
kind: Namespace
metadata: {name: ${ns}, labels: {mesh: enabled}}
`);
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${i}, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: app-${i}, mesh: enabled}}
  template:
    metadata: {labels: {app: app-${i}, mesh: enabled}}
    spec:
      containers: [{name: app, image: app:1, ports: [{name: http, containerPort: 8080}]}]
`);
    docs.push(`apiVersion: v1
kind: Service
metadata: {name: app-${i}, namespace: ${ns}}
spec:
  selector: {mesh: enabled, app: app-${i}}
  ports: [{name: http, port: 80, targetPort: http}]
`);
    docs.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-${i}, namespace: ${ns}}
spec:
  podSelector: {matchLabels: {mesh: enabled, app: app-${i}}}
  ingress:
    - from: [{namespaceSelector: {matchLabels: {mesh: enabled}}, podSelector: {matchLabels: {mesh: enabled}}}]
      ports: [{port: http}]
`);
  }
  return writeChunks(dir, docs);
}

/**
 * (c) `selectors` namespaces, each labelled, and as many distinct namespaceSelectors: every policy
 * admits the namespace of the next team, by its own label.
 */
export function namespaceSelectors(dir: string, selectors = 5_000): Generated {
  const docs: string[] = [];
  for (let i = 0; i < selectors; i++) {
    const ns = `team-${i}`;
    docs.push(`apiVersion: v1
kind: Namespace
metadata: {name: ${ns}, labels: {team: t${i}, env: e${i % 7}}}
`);
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: api:1, ports: [{name: http, containerPort: 8080}]}]
`);
    docs.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-next, namespace: ${ns}}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
    - from: [{namespaceSelector: {matchLabels: {team: t${(i + 1) % selectors}}}, podSelector: {matchLabels: {app: api}}}]
      ports: [{port: http}]
`);
  }
  return writeChunks(dir, docs);
}

/** The three cases at their issue sizes (scale 1); the benchmark also runs them at other scales. */
export const ADVERSARIAL: Record<string, (dir: string, scale: number) => Generated> = {
  'one namespace, 20k pods, 2k policies': (dir, scale) => crowdedNamespace(dir, Math.round(20_000 * scale)),
  'one label on every pod': (dir, scale) => sharedLabel(dir, Math.round(5_000 * scale)),
  '5k distinct namespaceSelectors': (dir, scale) => namespaceSelectors(dir, Math.round(5_000 * scale)),
};
