import { asArray, asRecord, asString, asStringMap, isRecord } from '../util/values';

/**
 * What the model knows about one label of a pod: its exact value, one of several values (the
 * StatefulSet pod-name of each ordinal), or only that the controller sets it to a value we cannot
 * know offline (`pod-template-hash`).
 */
export type LabelValue = string | { readonly anyOf: readonly string[] } | { readonly unknown: true };

export type PodLabels = ReadonlyMap<string, LabelValue>;

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface Requirement {
  key: string;
  operator: Operator;
  values: readonly string[];
}

/**
 * A label selector as the API defines it: all requirements must hold (AND). An empty selector
 * matches everything; `matchNothing` is set for selectors that select no objects by definition.
 */
export interface Selector {
  requirements: readonly Requirement[];
  /** Problems the API server would reject, e.g. `In` without values. */
  errors: readonly string[];
}

export function labelsToRequirements(labels: Record<string, string>): Requirement[] {
  return Object.entries(labels).map(([key, value]) => ({ key, operator: 'In', values: [value] }));
}

/** A Service's `spec.selector`: a plain map, equality only. */
export function selectorFromMap(value: unknown): Selector {
  return { requirements: labelsToRequirements(asStringMap(value)), errors: [] };
}

const OPERATORS = new Set<Operator>(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/**
 * A `metav1.LabelSelector` (`matchLabels` + `matchExpressions`). The requirements are ANDed.
 * A null or empty selector has no requirements and so matches every object (for NetworkPolicy
 * `podSelector: {}` selects all pods of the namespace; API reference, NetworkPolicySpec).
 */
export function parseLabelSelector(value: unknown): Selector {
  const errors: string[] = [];
  const sel = asRecord(value);
  if (!sel) return { requirements: [], errors };
  const requirements = labelsToRequirements(asStringMap(sel['matchLabels']));
  for (const raw of asArray(sel['matchExpressions'])) {
    if (!isRecord(raw)) {
      errors.push('matchExpressions entry is not an object');
      continue;
    }
    const key = asString(raw['key']);
    const operator = asString(raw['operator']) as Operator | undefined;
    const values = asArray(raw['values']).map((v) => String(v));
    if (!key) {
      errors.push('matchExpressions entry without a key');
      continue;
    }
    if (!operator || !OPERATORS.has(operator)) {
      errors.push(
        `matchExpressions operator '${String(raw['operator'])}' is not In, NotIn, Exists or DoesNotExist`,
      );
      continue;
    }
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
      errors.push(`matchExpressions '${key} ${operator}' needs at least one value`);
    }
    if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
      errors.push(`matchExpressions '${key} ${operator}' must not have values`);
    }
    requirements.push({ key, operator, values });
  }
  return { requirements, errors };
}

function valueMayBeIn(v: LabelValue, values: readonly string[]): boolean {
  if (typeof v === 'string') return values.includes(v);
  if ('unknown' in v) return true;
  return v.anyOf.some((x) => values.includes(x));
}

function valueMayBeOutside(v: LabelValue, values: readonly string[]): boolean {
  if (typeof v === 'string') return !values.includes(v);
  if ('unknown' in v) return true;
  return v.anyOf.some((x) => !values.includes(x));
}

/**
 * Whether some pod with these labels may satisfy the requirement. Labels whose value is only
 * known at run time are given the benefit of the doubt: a linter must not report what it cannot
 * know.
 */
export function requirementMatches(req: Requirement, labels: PodLabels): boolean {
  const v = labels.get(req.key);
  switch (req.operator) {
    case 'In':
      return v !== undefined && valueMayBeIn(v, req.values);
    case 'NotIn':
      return v === undefined || valueMayBeOutside(v, req.values);
    case 'Exists':
      return v !== undefined;
    case 'DoesNotExist':
      return v === undefined;
  }
}

export function selectorMatches(sel: Selector, labels: PodLabels): boolean {
  return sel.requirements.every((r) => requirementMatches(r, labels));
}

export function formatRequirement(r: Requirement): string {
  if (r.operator === 'In' && r.values.length === 1) return `${r.key}=${r.values[0]}`;
  if (r.operator === 'Exists') return r.key;
  if (r.operator === 'DoesNotExist') return `!${r.key}`;
  return `${r.key} ${r.operator === 'In' ? 'in' : 'notin'} (${r.values.join(',')})`;
}

export function formatSelector(sel: Selector): string {
  return sel.requirements.length ? sel.requirements.map(formatRequirement).join(', ') : '(everything)';
}

export function formatLabelValue(v: LabelValue): string {
  if (typeof v === 'string') return v;
  if ('unknown' in v) return '<set at run time>';
  return v.anyOf.length <= 3 ? v.anyOf.join('|') : `${v.anyOf[0]}|…|${v.anyOf[v.anyOf.length - 1]}`;
}

export function plainLabels(labels: Record<string, string>): Map<string, LabelValue> {
  return new Map(Object.entries(labels));
}
