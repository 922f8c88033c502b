// Table tests of Calico's selector language, one row per operator and per syntax error, after
// docs.tigera.io/calico/latest/reference/resources/networkpolicy#selectors.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LabelValue } from '../src/model/labels';
import { evaluate, parseCalicoSelector, usesGlobal } from '../src/netpol/calico-selector';

const t = suite('calico selector');

const labels = (o: Record<string, LabelValue>) => new Map(Object.entries(o));
const WEB = labels({ app: 'web', tier: 'frontend', 'k8s-app': 'kube-dns', env: 'prod-eu' });

// [selector, labels, expected]
const ROWS: [string, Map<string, LabelValue>, 'yes' | 'no' | 'maybe'][] = [
  ['', WEB, 'yes'], // an empty selector is all()
  ['all()', WEB, 'yes'],
  ["app == 'web'", WEB, 'yes'],
  ['app == "db"', WEB, 'no'],
  ["app != 'db'", WEB, 'yes'],
  ["app != 'web'", WEB, 'no'],
  ["missing != 'x'", WEB, 'yes'], // != matches endpoints without the label
  ["missing == 'x'", WEB, 'no'],
  ["app in {'db', 'web'}", WEB, 'yes'],
  ["app in {'db'}", WEB, 'no'],
  ['app in {}', WEB, 'no'],
  ["app not in {'db'}", WEB, 'yes'],
  ["app not in {'web'}", WEB, 'no'],
  ["missing not in {'web'}", WEB, 'yes'], // not in matches endpoints without the label
  ["missing in {'web'}", WEB, 'no'],
  ['has(app)', WEB, 'yes'],
  ['has( missing )', WEB, 'no'],
  ['!has(missing)', WEB, 'yes'],
  ['!has(app)', WEB, 'no'],
  ["env contains 'od-e'", WEB, 'yes'],
  ["env contains 'us'", WEB, 'no'],
  ["missing contains ''", WEB, 'no'],
  ["env starts with 'prod'", WEB, 'yes'],
  ["env starts  with 'eu'", WEB, 'no'],
  ["env ends with '-eu'", WEB, 'yes'],
  ["env ends with 'prod'", WEB, 'no'],
  ["app == 'web' && tier == 'frontend'", WEB, 'yes'],
  ["app == 'web' && tier == 'backend'", WEB, 'no'],
  ["app == 'db' || tier == 'frontend'", WEB, 'yes'],
  ["app == 'db' || tier == 'backend'", WEB, 'no'],
  ["!(app == 'web')", WEB, 'no'],
  ["!!(app == 'web')", WEB, 'yes'],
  // && binds tighter than ||
  ["app == 'db' && tier == 'x' || k8s-app == 'kube-dns'", WEB, 'yes'],
  ["app == 'db' && (tier == 'x' || k8s-app == 'kube-dns')", WEB, 'no'],
  ['global()', WEB, 'no'],
  // Labels known only as one of several values, or only at run time.
  ["pod in {'a', 'b'}", labels({ pod: { anyOf: ['a', 'b'] } }), 'yes'],
  ["pod == 'a'", labels({ pod: { anyOf: ['a', 'b'] } }), 'maybe'],
  ["pod != 'a'", labels({ pod: { anyOf: ['a', 'b'] } }), 'maybe'],
  ["hash == 'x'", labels({ hash: { unknown: true } }), 'maybe'],
  ["!(hash == 'x') && app == 'web'", labels({ hash: { unknown: true }, app: 'web' }), 'maybe'],
  ["hash == 'x' || app == 'web'", labels({ hash: { unknown: true }, app: 'web' }), 'yes'],
];

for (const [sel, l, want] of ROWS) {
  t(`${JSON.stringify(sel)} → ${want}`, () => {
    const parsed = parseCalicoSelector(sel);
    assert.is(parsed.error, undefined, parsed.error?.message);
    assert.is(evaluate(parsed.expr ?? { op: 'all' }, l), want);
  });
}

t('global() matches non-namespaced objects only, and is found anywhere in the expression', () => {
  const p = parseCalicoSelector("global() || name == 'x'");
  assert.is(evaluate(p.expr ?? { op: 'all' }, labels({}), { global: true }), 'yes');
  assert.ok(usesGlobal(p.expr ?? { op: 'all' }));
  assert.not.ok(usesGlobal(parseCalicoSelector("!has(a) && b == 'c'").expr ?? { op: 'all' }));
});

// [selector, column, message fragment]
const ERRORS: [string, number, string][] = [
  ["app == 'web", 8, 'unterminated string'],
  ['app == web', 8, 'expected a quoted string'],
  ['app = "web"', 5, "unexpected character '='"],
  ["app === 'web'", 7, "unexpected character '='"],
  ['app', 4, 'expected an operator'],
  ["app == 'web' &&", 16, 'expected a label'],
  ["app == 'web' app == 'db'", 14, "expected '&&', '||' or the end"],
  ["(app == 'web'", 14, "expected ')'"],
  ["app in 'web'", 8, "expected '{'"],
  ["app in {'a' 'b'}", 13, "expected ',' or '}'"],
  ["app in {'a',}", 13, 'expected a quoted string'],
  ["app not  in {'a'", 17, "expected ',' or '}'"],
  ['has(app', 4, "expected an operator after label 'has'"],
  ['all', 4, 'expected an operator'],
  ["app == 'a' & b == 'c'", 12, "unexpected character '&'"],
  ["app == 'a' | b == 'c'", 12, "unexpected character '|'"],
  ['app starts "x"', 5, 'expected an operator'],
  ["app == 'a' ) ", 12, "expected '&&', '||' or the end"],
  ['!', 2, 'expected a label'],
  ["app == 'a' && @x", 15, "unexpected character '@'"],
];

for (const [sel, col, fragment] of ERRORS) {
  t(`error: ${JSON.stringify(sel)} at column ${col}`, () => {
    const parsed = parseCalicoSelector(sel);
    assert.is(parsed.expr, undefined);
    assert.ok(parsed.error, 'an error');
    assert.ok(parsed.error?.message.includes(fragment), parsed.error?.message);
    assert.is(parsed.error?.column, col, parsed.error?.message);
  });
}

t.run();
