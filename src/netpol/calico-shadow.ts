// Provable shadowing among Calico rules: a rule no traffic ever reaches because an earlier rule
// (or an earlier policy of the tier) decides all of that traffic first. Calico evaluates a
// policy's rules in order and the first rule that matches with Allow, Deny or Pass ends the
// policy's (for Pass, the tier's) say on the packet; Log rules carry on to the next rule (Calico
// docs, NetworkPolicy "Rule": action Allow/Deny/Log/Pass, and Tier: "policies in each tier are
// then processed in order"). Only two shapes are claimed, since selectors, nets and ports of
// different rules cannot be compared for inclusion without the cluster: an earlier rule with no
// match criteria at all, and an earlier rule with exactly the same criteria.
import type { JsonObject } from '../util/values';
import { asArray, asRecord } from '../util/values';
import type { Policy } from './policy';

/** Actions that end a rule walk through a policy. */
export const FINAL_ACTIONS = ['Allow', 'Deny', 'Pass'];

/** Fields of a rule that are not match criteria. */
const NOT_CRITERIA = ['action', 'metadata'];

export function rawRules(policy: Policy, direction: 'ingress' | 'egress'): JsonObject[] {
  const spec = asRecord(policy.obj.raw['spec']) ?? {};
  return asArray(spec[direction]).map((r) => asRecord(r) ?? {});
}

const isEmpty = (v: unknown): boolean => {
  if (v === undefined || v === null) return true;
  const r = asRecord(v);
  return r !== undefined && Object.values(r).every((x) => x === undefined || x === null);
};

/** Whether a rule matches every packet: no criterion besides its action (and metadata). */
export function matchesEverything(rule: JsonObject): boolean {
  return Object.entries(rule).every(
    ([k, v]) =>
      NOT_CRITERIA.includes(k) ||
      v === undefined ||
      v === null ||
      ((k === 'source' || k === 'destination') && isEmpty(v)),
  );
}

/** Canonical text of a value with sorted object keys, empty values dropped. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const r = asRecord(v);
  if (r)
    return `{${Object.keys(r)
      .filter((k) => r[k] !== undefined && r[k] !== null && !isEmptyValue(r[k]))
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(r[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

const isEmptyValue = (v: unknown): boolean => asRecord(v) !== undefined && canonical(v) === '{}';

/** The match criteria of a rule, comparable as text. */
export function criteriaOf(rule: JsonObject): string {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(rule)) if (!NOT_CRITERIA.includes(k)) out[k] = v;
  return canonical(out);
}
