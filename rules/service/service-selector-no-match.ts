import type { Related, Rule, Severity } from '../../src/engine/types';
import { describeProviders } from '../../src/model/providers';
import {
  formatLabelValue,
  formatRequirement,
  formatSelector,
  requirementMatches,
  selectorFromMap,
  type PodLabels,
  type Selector,
} from '../../src/model/labels';
import { isNear } from '../../src/model/proximity';
import type { PodTemplate } from '../../src/model/pods';
import { looksLikeTypo } from '../../src/util/similar';
import { asRecord, asString } from '../../src/util/values';

function describeOwners(pods: readonly PodTemplate[], max = 3): string {
  const names = [...new Set(pods.map((p) => p.owner.id))];
  return names.length <= max
    ? names.join(', ')
    : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** What the closest candidate lacks: "Deployment web has app=web but tier=front". */
function closest(
  pods: readonly PodTemplate[],
  sel: ReturnType<typeof selectorFromMap>,
): { pod: PodTemplate; text: string } | undefined {
  let best: { pod: PodTemplate; score: number } | undefined;
  for (const pod of pods) {
    // A candidate is worth naming when it shares a label with the selector or has a value that
    // looks like a typo of the selected one; a pod that merely uses the same key is noise.
    const relevant = sel.requirements.some((r) => {
      if (requirementMatches(r, pod.labels)) return true;
      const v = pod.labels.get(r.key);
      const have = v === undefined ? [] : typeof v === 'string' ? [v] : 'anyOf' in v ? v.anyOf : [];
      return have.some((h) => r.values.some((want) => looksLikeTypo(want, h)));
    });
    if (!relevant) continue;
    // Matching requirements count most; among equals, the pod that has more of the keys wins.
    const score =
      2 * sel.requirements.filter((r) => requirementMatches(r, pod.labels)).length +
      sel.requirements.filter((r) => pod.labels.has(r.key)).length;
    if (!best || score > best.score) best = { pod, score };
  }
  if (!best) return undefined;
  const has = sel.requirements.filter((r) => requirementMatches(r, best.pod.labels)).map(formatRequirement);
  const lacks = sel.requirements
    .filter((r) => !requirementMatches(r, best.pod.labels))
    .map((r) => {
      const v = best.pod.labels.get(r.key);
      return v === undefined ? `no ${r.key} label` : `${r.key}=${formatLabelValue(v)}`;
    });
  const owner = `${best.pod.owner.kind} ${best.pod.owner.name}`;
  const text = has.length
    ? `${owner} has ${has.join(', ')} but ${lacks.join(', ')}`
    : `${owner} has ${lacks.join(', ')}`;
  return { pod: best.pod, text };
}

export const serviceSelectorNoMatch: Rule = {
  meta: {
    id: 'service-selector-no-match',
    description: 'Service selector matches no pod in its namespace',
    details:
      "Reports a Service whose spec.selector matches the pod labels of no workload in the Service's namespace. " +
      'Controller-added labels (StatefulSet pod-name, Job job-name, pod-template-hash) and pods of known operators ' +
      '(prometheus-operator) count. When matching pods exist only in another namespace the message names it. ' +
      'Services without a selector (manual EndpointSlices, ExternalName) and the apex Services of SMI TrafficSplits ' +
      'are legitimate and not checked. Pods of custom resources count: pod templates embedded at any depth (KubeRay, ' +
      'LeaderWorkerSet, Knative…) with documented controller labels. A note when the input holds no workload near ' +
      'the Service in its namespace, or when the selector names a custom resource of the namespace or uses an ' +
      "operator's own pod label (cnpg.io/cluster, prometheus) for a resource not in the input; a warning at most " +
      'when custom resources near it may create pods the input does not show.',
    severity: 'error',
    tags: ['service', 'selector'],
    docs: {
      why:
        'A Service routes only to ready pods whose labels match every key of its selector, in its own namespace. ' +
        'A typo, a renamed label or a Service in the wrong namespace leaves it with no endpoints: clients get ' +
        'connection refused or time out, and nothing in the cluster reports an error.',
      symptoms: [
        'connect: connection refused',
        'kubectl get endpoints web shows <none>',
        'no endpoints available for service "web"',
        'Ingress returns 503 Service Temporarily Unavailable',
      ],
      fix:
        'Make the selector equal a subset of the pod template labels (spec.template.metadata.labels), not of the ' +
        "workload's own metadata.labels, and put the Service in the namespace of the pods.",
      example: {
        bad:
          'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n    tier: frontend\n  ports:\n  - port: 80\n---\n' +
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web, tier: front}\n',
        good: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n    tier: front\n  ports:\n  - port: 80\n',
      },
    },
  },
  check(ctx) {
    const { model } = ctx;
    for (const svc of model.ofKind('', 'Service')) {
      const spec = asRecord(svc.raw['spec']);
      if (!spec || svc.namespace === undefined) continue;
      // ExternalName Services resolve by DNS CNAME; the selector is ignored (API reference, ServiceSpec).
      if (asString(spec['type']) === 'ExternalName') continue;
      const rawSelector = asRecord(spec['selector']);
      // "If empty or not present, the service is assumed to have an external process managing its
      // endpoints, which Kubernetes will not modify" (API reference, ServiceSpec.selector).
      if (!rawSelector || Object.keys(rawSelector).length === 0) continue;
      const sel = selectorFromMap(rawSelector);
      const ns = svc.namespace;
      if (model.selectPods(sel, ns).length > 0) continue;
      // An SMI TrafficSplit's apex Service has no endpoints by design: the mesh routes its traffic.
      if (model.isTrafficSplitApex(svc)) continue;

      const shown = formatSelector(sel);
      const path = ['spec', 'selector'];
      // Operators create pods the input does not show: a custom resource the selector names makes
      // this a note, any that may create pods a warning at most (the input cannot prove it wrong).
      const providers = model.outsideProviders(ns, { selector: sel }, svc);
      const opaqueNote = describeProviders(providers, 'pods');
      const capped: Severity | undefined = providers.likely
        ? 'note'
        : providers.creators.length
          ? 'warning'
          : undefined;
      const elsewhere = model.selectPodsAnywhere(sel).filter((p) => p.namespace !== ns);
      if (elsewhere.length > 0) {
        const namespaces = [...new Set(elsewhere.map((p) => p.namespace))];
        // A side whose namespace the input does not fix (none written, or kustomize overlays that
        // disagree) is applied wherever the deploy puts it, often next to the other: not provable.
        // Proven only when the Service and some matching pods both have namespaces the input fixes.
        // So is a file that fixes the namespace of one side and not of the other: applied as it is,
        // the two land apart (the bundled example's forgotten `namespace:`).
        const proven =
          (!svc.defaultedNamespace && elsewhere.some((p) => !p.owner.defaultedNamespace)) ||
          elsewhere.some(
            (p) => p.owner.doc.file === svc.doc.file && p.owner.defaultedNamespace !== svc.defaultedNamespace,
          );
        const unfixed = proven
          ? []
          : [svc, ...elsewhere.map((p) => p.owner)].filter((o) => o.defaultedNamespace);
        const severity: Severity | undefined = proven ? capped : 'note';
        ctx.report({
          object: svc,
          path,
          ...(severity ? { severity } : {}),
          message:
            `Service ${svc.name} selects ${shown}, but no pod in namespace '${ns}' has these labels; ` +
            `${describeOwners(elsewhere)} in namespace '${namespaces.join("', '")}' ${elsewhere.length > 1 ? 'do' : 'does'}. ` +
            `A Service selects pods only in its own namespace: move the Service (or the workload) so they share one.` +
            (unfixed.length
              ? ` The input does not fix the namespace of ${unfixed
                  .slice(0, 3)
                  .map((o) => o.id)
                  .join(
                    ', ',
                  )} (none written, or kustomize overlays that disagree): applied to one namespace, they may match.`
              : '') +
            opaqueNote,
          related: elsewhere.slice(0, 5).map<Related>((p) => ({
            object: p.owner,
            path: p.labelsPath,
            message: `pods of ${p.owner.id} match the selector`,
          })),
        });
        continue;
      }
      // The modelled cluster DNS pods do not make a namespace's workloads "known".
      if (!model.describesPodsNear(ns, svc)) {
        ctx.report({
          object: svc,
          path,
          severity: 'note',
          message:
            `Service ${svc.name} selects ${shown}, and the input holds no workload in namespace '${ns}' near it to check it against; ` +
            `cannot verify that it has endpoints. Lint it together with its workloads.` +
            opaqueNote,
        });
        continue;
      }
      const unparsed = model.diagnostics.filter((d) => d.kind === 'parse-error').length;
      const unparsedNote = unparsed
        ? ` ${unparsed === 1 ? 'One document' : `${unparsed} documents`} of the input could not be parsed; pods defined there are not seen.`
        : '';
      const candidates = model.podsSharingLabels(sel, ns);
      const hint = closest(candidates, sel);
      const best = hint?.pod;
      const scope = svc.defaultedNamespace ? `namespace '${ns}' (no namespace set)` : `namespace '${ns}'`;
      // An error needs a near miss (a pod sharing labels: a likely typo) and an input read whole;
      // pods that share nothing with the selector may be defined elsewhere: a warning.
      const typo = model
        .podsIn(ns)
        .some((p) => p.origin !== 'cluster' && isNear(p.owner, svc) && typoOf(sel, p.labels));
      const severity: Severity | undefined = capped ?? ((hint || typo) && !unparsed ? undefined : 'warning');
      ctx.report({
        object: svc,
        path,
        ...(severity ? { severity } : {}),
        message:
          `Service ${svc.name} selects ${shown}, but no pod in ${scope} has all these labels` +
          (hint ? `; ${hint.text}.` : '.') +
          ` The Service has no endpoints: fix the selector or the pod template labels.` +
          opaqueNote +
          unparsedNote,
        related: [
          ...(best
            ? [
                {
                  object: best.owner,
                  path: best.labelsPath,
                  message: `closest match: pod labels of ${best.owner.id}`,
                },
              ]
            : []),
          ...[...providers.named, ...providers.creators]
            .slice(0, 3)
            .map<Related>((o) => ({ object: o, path: ['spec'], message: `${o.id} may create pods` })),
        ],
      });
    }
  },
};

/** A pod label with a key the selector names and a value a typo away from the selector's (cart/carts). */
function typoOf(sel: Selector, labels: PodLabels): boolean {
  return sel.requirements.some((r) => {
    const want = r.operator === 'In' && r.values.length === 1 ? r.values[0] : undefined;
    const have = labels.get(r.key);
    return want !== undefined && typeof have === 'string' && looksLikeTypo(want, have);
  });
}
