// Manifest builders and an engine harness shared by the table tests of the policy dialects
// (cilium-engine, calico-engine): a few pods in two namespaces, and questions to the one engine.
import { defaultConfig } from '../src/config/types';
import { ipEndpoint, PolicyEngine, type Endpoint } from '../src/netpol/engine';
import { modelOf } from './helpers';

export const pod = (name: string, ns: string, labels: Record<string, string>, extra = '') =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}, labels: ${JSON.stringify(labels)}}\nspec: {${extra}containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}]}\n---\n`;
export const ns = (name: string, labels: Record<string, string> = {}) =>
  `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}, labels: ${JSON.stringify(labels)}}\n---\n`;
/** A builder of namespaced policy objects of one kind. */
export const namespaced =
  (apiVersion: string, kind: string) =>
  (name: string, namespace: string, spec: string): string =>
    `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec: ${spec}\n---\n`;
/** A builder of cluster-wide policy objects of one kind. */
export const clusterWide =
  (apiVersion: string, kind: string) =>
  (name: string, spec: string): string =>
    `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: ${name}}\nspec: ${spec}\n---\n`;
export const knp = namespaced('networking.k8s.io/v1', 'NetworkPolicy');

/** The engine over `app` + `policies`, with questions by pod name ('dns': the cluster DNS pods). */
export function engineOver(app: string, policies: string) {
  const model = modelOf({ 'a.yaml': app + policies });
  const engine = new PolicyEngine(model, defaultConfig('/').cluster);
  const find = (name: string) => model.pods.find((p) => p.owner.name === name)!;
  const dns = () => model.podsIn('kube-system').find((p) => p.labels.get('k8s-app') === 'kube-dns')!;
  const to = (name: string): Endpoint => ({ kind: 'pod', pod: name === 'dns' ? dns() : find(name) });
  const can = (from: string, dst: string, port = 8080, protocol = 'TCP') =>
    engine.connection(find(from), to(dst), { protocol, port }).allowed;
  const ip = (text: string): Endpoint => ipEndpoint(text)!;
  return { engine, model, find, can, ip, to };
}
