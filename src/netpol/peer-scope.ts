// Where a policy's selectors can find pods, for every dialect: the rules that report a selector
// matching nothing ask this instead of reading a dialect. A Kubernetes peer reaches its policy's
// namespace or those its namespaceSelector selects; a Cilium selector (already scoped by the
// reader, cilium.ts) reaches the namespaces its io.kubernetes.pod.namespace label names, or any.
import type { Requirement, Selector } from '../model/labels';
import { derivedLabelMeant, NAMESPACE_LABELS, POD_NAMESPACE } from './cilium-labels';
import type { PolicyEngine } from './engine';
import type { Peer, Policy } from './policy';

/** The label keys of a selector that the agent derives rather than the pod template carries. */
const isDerived = (r: Requirement) => r.key === POD_NAMESPACE || r.key.startsWith(NAMESPACE_LABELS);

/**
 * Namespaces a Cilium selector can select pods in: those its namespace label names; undefined for
 * any namespace, including those of other repositories, so a miss proves nothing.
 */
function ciliumNamespaces(sel: Selector): string[] | undefined {
  let names: string[] | undefined;
  for (const r of sel.requirements)
    if (r.key === POD_NAMESPACE && r.operator === 'In')
      names = names ? names.filter((n) => r.values.includes(n)) : [...r.values];
  return names;
}

/**
 * Whether a selector picks pods by their own labels, so that matching no pod says something: not
 * when it selects everything (of a namespace), and not when it names reserved identities (the
 * host, the world...), which are no pods, nor a mistyped derived label (cilium-selector-key-mistyped
 * says that more precisely).
 */
export function selectsPodsByLabel(sel: Selector): boolean {
  if (sel.requirements.some((r) => r.key.startsWith('reserved:') || derivedLabelMeant(r.key) !== undefined))
    return false;
  return sel.requirements.some((r) => !isDerived(r));
}

/** The requirements of a selector as written, without the namespace scoping the reader added. */
export function writtenSelector(policy: Policy, sel: Selector): Selector {
  if (policy.dialect !== 'cilium' || policy.clusterWide) return sel;
  const scoped = sel.requirements.filter(
    (r) =>
      !(
        r.key === POD_NAMESPACE &&
        r.operator === 'In' &&
        r.values.length === 1 &&
        r.values[0] === policy.namespace
      ),
  );
  return { requirements: scoped, errors: sel.errors };
}

/** Only the requirements on the pod's own labels (what a pod template can be checked against). */
export function podLabelPart(sel: Selector): Selector {
  return { requirements: sel.requirements.filter((r) => !isDerived(r)), errors: sel.errors };
}

/** The selector of a peer that selects pods by label, if the peer is one. */
export function peerPodSelector(peer: Peer): Selector | undefined {
  if (peer.kind === 'pods') return peer.podSelector;
  if (peer.kind === 'endpoints') return peer.selector;
  return undefined;
}

/** Namespaces whose pods a peer of `policy` can select; undefined for any namespace. */
export function peerNamespaces(
  engine: PolicyEngine,
  policy: Policy,
  peer: Peer,
): readonly string[] | undefined {
  if (peer.kind === 'endpoints') return ciliumNamespaces(peer.selector);
  if (peer.kind !== 'pods') return [];
  const nsSel = peer.namespaceSelector;
  return nsSel ? engine.namespacesSelected(nsSel) : [policy.namespace];
}

/** Namespaces whose pods the policy itself can select; undefined for any namespace. */
export function subjectNamespaces(policy: Policy): string[] | undefined {
  if (policy.dialect === 'kubernetes') return [policy.namespace];
  return ciliumNamespaces(policy.podSelector);
}

/**
 * Whether a selector peer of `policy` selects some pod of `namespaces` (those peerNamespaces gave).
 * A Kubernetes peer starts from the pods the label index gives for its podSelector rather than from
 * every pod of those namespaces: 2,000 policies over one namespace of 20,000 pods made a scan per
 * peer quadratic (#22). The answer is the scan's: the index only narrows the candidates.
 */
export function peerSelectsSomePod(
  engine: PolicyEngine,
  policy: Policy,
  peer: Peer,
  namespaces: readonly string[],
): boolean {
  const { model } = engine;
  if (peer.kind === 'pods' && peer.podSelector && peer.podSelector.requirements.length) {
    return model.somePodSelected(
      peer.podSelector,
      (pod) => engine.peerMatchesPod(policy, peer, pod),
      namespaces,
    );
  }
  return namespaces.some((ns) => model.podsIn(ns).some((pod) => engine.peerMatchesPod(policy, peer, pod)));
}
