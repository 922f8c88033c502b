// "Could something not in the input provide this?" Operators create pods and Services from custom
// resources (KubeRay's `<cluster>-head-svc`, ECK's `<name>-kb-http`, CloudNativePG's
// `cnpg.io/cluster: <name>` pods). When a missing pod or Service may come from one of them, the
// input cannot prove the reference broken; the rules use this to choose a lower severity and to
// say which resource may provide it.
import type { Selector } from './labels';
import type { Model } from './model';
import type { KObject } from './object';
import { isPodFree } from './kinds';
import { isKnownOperatorKind } from './operators';
import { isNear } from './proximity';
import { OPERATOR_LABEL_KEYS, OPERATOR_SERVICE_SUFFIXES } from './custom-resources';

export interface OutsideProviders {
  /** Custom resources the reference names: a selector value equal to their name, or a missing
   * Service name that starts with `<their name>-`. */
  named: KObject[];
  /** Custom resources in the namespace that may create pods or Services the input does not show. */
  creators: readonly KObject[];
  /** Selector requirements on an operator's own pod label (`prometheus: k8s`), described. */
  operatorLabels: string[];
  /** Whether the reference most likely points at something an operator makes (named or labelled). */
  likely: boolean;
}

/** Per model and namespace: its custom resources that may create pods or Services (asked per reference). */
const creatorsCache = new WeakMap<Model, Map<string, readonly KObject[]>>();

function creatorsIn(model: Model, namespace: string): readonly KObject[] {
  let byNamespace = creatorsCache.get(model);
  if (!byNamespace) creatorsCache.set(model, (byNamespace = new Map()));
  let creators = byNamespace.get(namespace);
  if (!creators) {
    // Pods of known operators (operators.ts) are modelled in full. Kinds named Cluster<Something>
    // (ClusterIssuer, ClusterUserDefinedNetwork…) are cluster-scoped by convention; one that lands
    // in a namespace here only lacks its CRD in the input.
    creators = model
      .customResourcesIn(namespace)
      .filter((o) => !isPodFree(o.group, o.kind) && !isKnownOperatorKind(o) && !/^Cluster[A-Z]/.test(o.kind));
    byNamespace.set(namespace, creators);
  }
  return creators;
}

export function outsideProviders(
  model: Model,
  namespace: string,
  ref: { selector: Selector } | { serviceName: string },
  from: KObject,
): OutsideProviders {
  const creators = creatorsIn(model, namespace);
  // A resource named by the reference counts anywhere in the namespace; any other only near it.
  const near = creators.filter((o) => isNear(o, from));
  let named: KObject[];
  const operatorLabels: string[] = [];
  if ('selector' in ref) {
    const values = new Set(
      ref.selector.requirements.filter((r) => r.operator === 'In').flatMap((r) => r.values),
    );
    named = creators.filter((o) => values.has(o.name));
    // A selector on an operator's own pod label whose resource the namespace does not hold (a
    // resource that is here and still matches nothing is a real mismatch).
    const custom = model.customResourcesIn(namespace);
    for (const r of ref.selector.requirements) {
      // Label keys come from the input: `__proto__` must not find Object.prototype.
      const op = Object.hasOwn(OPERATOR_LABEL_KEYS, r.key) ? OPERATOR_LABEL_KEYS[r.key] : undefined;
      if (!op || r.operator !== 'In') continue;
      if (custom.some((o) => op.kinds.includes(o.kind) && r.values.includes(o.name))) continue;
      operatorLabels.push(
        `${r.key}=${r.values.join('|')} is the label ${op.operator} sets on the pods of its ${op.kinds.join(' or ')} of that name`,
      );
    }
  } else {
    const name = ref.serviceName;
    named = creators.filter((o) => name.startsWith(o.name + '-') || name === o.name);
    for (const [suffix, who] of Object.entries(OPERATOR_SERVICE_SUFFIXES))
      if (name.endsWith(suffix) && name.length > suffix.length)
        operatorLabels.push(
          `the name follows the Services created by ${who} named '${name.slice(0, -suffix.length)}'`,
        );
  }
  return { named, creators: near, operatorLabels, likely: named.length > 0 || operatorLabels.length > 0 };
}

/** " Pods may come from Cluster/db/pg, which kube-netlint does not expand." and the like. */
export function describeProviders(
  p: Pick<OutsideProviders, 'named' | 'creators' | 'operatorLabels'>,
  what: 'pods' | 'Service',
): string {
  const list = (objs: readonly KObject[]) =>
    objs
      .slice(0, 3)
      .map((o) => `${o.kind} ${o.name}`)
      .join(', ') + (objs.length > 3 ? `, … (${objs.length} in all)` : '');
  if (p.operatorLabels.length && !p.named.length)
    return what === 'pods'
      ? ` ${p.operatorLabels[0]}, and the input holds none of that name here; the pods exist where that resource does.`
      : ` ${p.operatorLabels[0]}, which the input does not hold; it exists where that resource does.`;
  if (p.named.length)
    return what === 'pods'
      ? ` The selector names ${list(p.named)}, a custom resource whose operator may create these pods; the input cannot show them.`
      : ` Its name starts with that of ${list(p.named)}, a custom resource whose operator may create it; the input cannot show it.`;
  if (p.creators.length)
    return what === 'pods'
      ? ` Pods may also come from custom resources in this namespace that kube-netlint cannot expand (${list(p.creators)}); declare their pod labels under 'pods' in .kube-netlint.yaml.`
      : ` It may also be created by custom resources in this namespace (${list(p.creators)}).`;
  return '';
}
