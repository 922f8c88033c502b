// The closed-world rule across files: neighbours (workloads, Services) count only when they are
// near the reference, so one application of a repository is not judged against another's objects.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lintTexts } from './helpers';

const t = suite('closed world');

const svc = (name: string, app: string) =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n  selector: {app: ${app}}\n  ports: [{port: 80}]\n`;
const deploy = (app: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${app}}\nspec:\n  selector: {matchLabels: {app: ${app}}}\n  template:\n    metadata: {labels: {app: ${app}}}\n    spec:\n      containers: [{name: c, image: nginx}]\n`;
const ingress = (service: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site}\nspec:\n  defaultBackend:\n    service: {name: ${service}, port: {number: 80}}\n`;

const severityOf = (files: Record<string, string>, rule: string) =>
  lintTexts(files, { ruleIds: [rule] }).map((f) => f.severity);

t("another application's workloads do not make a selector checkable", () => {
  assert.equal(
    severityOf(
      { 'app-a/svc.yaml': svc('a', 'a'), 'app-b/deploy.yaml': deploy('b') },
      'service-selector-no-match',
    ),
    ['note'],
  );
});

t("workloads in a folder inside the Service's do", () => {
  // A near miss (cart for carts) is an error; pods that share nothing with the selector may be
  // defined elsewhere, so only a warning.
  assert.equal(
    severityOf(
      { 'app/svc.yaml': svc('cart', 'cart'), 'app/base/deploy.yaml': deploy('carts') },
      'service-selector-no-match',
    ),
    ['error'],
  );
  assert.equal(
    severityOf(
      { 'app/svc.yaml': svc('a', 'a'), 'app/base/deploy.yaml': deploy('b') },
      'service-selector-no-match',
    ),
    ['warning'],
  );
});

t("another application's Services do not make a missing backend a warning", () => {
  assert.equal(
    severityOf(
      { 'app-a/ing.yaml': ingress('web'), 'app-b/svc.yaml': svc('other', 'b') },
      'ingress-backend-missing',
    ),
    ['note'],
  );
  assert.equal(
    severityOf(
      { 'app-a/ing.yaml': ingress('web'), 'app-a/svc.yaml': svc('other', 'b') },
      'ingress-backend-missing',
    ),
    ['warning'],
  );
  assert.equal(
    severityOf(
      { 'app-a/ing.yaml': ingress('webb'), 'app-a/svc.yaml': svc('web', 'b') },
      'ingress-backend-missing',
    ),
    ['error'],
  );
});

t('an IngressClass of another module does not make every other class missing', () => {
  const cls =
    'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx}\nspec: {controller: k8s.io/ingress-nginx}\n';
  const ing = (name: string) =>
    `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site}\nspec:\n  ingressClassName: ${name}\n  defaultBackend:\n    service: {name: web, port: {number: 80}}\n`;
  assert.equal(
    severityOf({ 'infra/class.yaml': cls, 'app/ing.yaml': ing('alb') }, 'ingress-class-missing'),
    [],
  );
  assert.equal(severityOf({ 'app/class.yaml': cls, 'app/ing.yaml': ing('alb') }, 'ingress-class-missing'), [
    'warning',
  ]);
  assert.equal(severityOf({ 'app/class.yaml': cls, 'app/ing.yaml': ing('ngnix') }, 'ingress-class-missing'), [
    'error',
  ]);
});

t("another application's Secrets do not make a missing TLS Secret a warning", () => {
  const secret = 'apiVersion: v1\nkind: Secret\nmetadata: {name: other-tls}\ntype: kubernetes.io/tls\n';
  const tls =
    'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: site}\nspec:\n  tls: [{secretName: site-tls}]\n  defaultBackend:\n    service: {name: web, port: {number: 80}}\n';
  assert.equal(
    severityOf({ 'infra/secret.yaml': secret, 'app/ing.yaml': tls }, 'ingress-tls-secret-missing'),
    ['note'],
  );
  assert.equal(severityOf({ 'app/secret.yaml': secret, 'app/ing.yaml': tls }, 'ingress-tls-secret-missing'), [
    'warning',
  ]);
});

t.run();
