// The edges `reach` adds for the person debugging: address families in both directions, the
// ingress controller, the cluster DNS pods.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig, type ClusterSettings } from '../src/config/types';
import { buildReachMap } from '../src/reach/map';
import { lintTexts, modelOf } from './helpers';

const WEB =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]}\n';

function lines(
  files: Record<string, string>,
  opts: { dns?: boolean } = {},
  cluster: ClusterSettings = defaultConfig('/').cluster,
): string[] {
  const map = buildReachMap(modelOf(files), cluster, opts);
  return map.edges.map((e) => `${e.src.id} => ${e.dst.id} : ${e.conns.toString()}`).sort();
}

const fam = suite('reach: address families');

fam('an IPv6 ipBlock only in ingress rules still lists unrestricted egress to IPv6', () => {
  const got = lines({
    'app.yaml': WEB,
    'pol.yaml':
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: v6-in, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n  ingress:\n  - from: [{ipBlock: {cidr: "2001:db8::/32"}}]\n',
  });
  // Egress is not isolated: the whole IPv6 space, uncut by ingress blocks, is reachable.
  assert.ok(
    got.includes(
      'shop/web[Deployment] => ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff[External] : All Connections',
    ),
    got.join('\n'),
  );
  // Ingress keeps its own cut points: only the block is admitted.
  assert.ok(
    got.includes(
      '2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff[External] => shop/web[Deployment] : All Connections',
    ),
    got.join('\n'),
  );
  assert.not.ok(got.some((l) => l.startsWith('::-') && l.includes('=> shop/web')));
});

fam.run();

const ctl = suite('reach: the ingress controller edge');

const SVC =
  'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n';
const ING = (cls: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop}\nspec:\n${cls}  rules:\n  - http:\n      paths:\n      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}\n`;
const ADMIT = (ns: string, labels: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-controller, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${ns}}}\n      podSelector: {matchLabels: {${labels}}}\n`;

ctl(
  'the recommended policy (controller namespace + pod labels) produces the controller edge on the target port',
  () => {
    const got = lines({
      'app.yaml': WEB + '---\n' + SVC + '---\n' + ING(''),
      'pol.yaml': ADMIT('ingress-nginx', 'app.kubernetes.io/name: ingress-nginx'),
    });
    assert.ok(got.includes('{ingress-controller} => shop/web[Deployment] : TCP 8080'), got.join('\n'));
  },
);

ctl(
  'IngressClass controller names pick the known install; a policy for another controller admits none',
  () => {
    const cls =
      'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: edge}\nspec: {controller: traefik.io/ingress-controller}\n';
    const files = {
      'app.yaml': WEB + '---\n' + SVC + '---\n' + ING('  ingressClassName: edge\n') + '---\n' + cls,
    };
    const admitted = lines({ ...files, 'pol.yaml': ADMIT('traefik', 'app.kubernetes.io/name: traefik') });
    assert.ok(
      admitted.includes('{ingress-controller} => shop/web[Deployment] : TCP 8080'),
      admitted.join('\n'),
    );
    const other = lines({
      ...files,
      'pol.yaml': ADMIT('ingress-nginx', 'app.kubernetes.io/name: ingress-nginx'),
    });
    assert.not.ok(
      other.some((l) => l.includes('{ingress-controller}')),
      other.join('\n'),
    );
  },
);

ctl('cluster.ingressController from the config is used, as the lint rule uses it', () => {
  const cluster: ClusterSettings = {
    ...defaultConfig('/').cluster,
    ingressController: { namespace: 'edge', podLabels: { app: 'proxy' } },
  };
  const got = lines(
    { 'app.yaml': WEB + '---\n' + SVC + '---\n' + ING(''), 'pol.yaml': ADMIT('edge', 'app: proxy') },
    {},
    cluster,
  );
  assert.ok(got.includes('{ingress-controller} => shop/web[Deployment] : TCP 8080'), got.join('\n'));
});

ctl(
  'an unknown controller stays a label-less stand-in: only a policy admitting every namespace lets it in',
  () => {
    const files = { 'app.yaml': WEB + '---\n' + SVC + '---\n' + ING('  ingressClassName: custom\n') };
    const narrow = lines({
      ...files,
      'pol.yaml': ADMIT('ingress-nginx', 'app.kubernetes.io/name: ingress-nginx'),
    });
    assert.not.ok(
      narrow.some((l) => l.includes('{ingress-controller}')),
      narrow.join('\n'),
    );
    const open = lines({
      ...files,
      'pol.yaml':
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: any-ns, namespace: shop}\nspec:\n  podSelector: {}\n  ingress: [{from: [{namespaceSelector: {}}]}]\n',
    });
    assert.ok(open.includes('{ingress-controller} => shop/web[Deployment] : TCP 8080'), open.join('\n'));
  },
);

ctl('controller pods in the input are ordinary workloads: no stand-in node', () => {
  const nginx =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ingress-nginx-controller, namespace: ingress-nginx}\nspec:\n  selector: {matchLabels: {app.kubernetes.io/name: ingress-nginx}}\n  template:\n    metadata: {labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}}\n    spec: {containers: [{name: c, image: c}]}\n';
  const got = lines({
    'app.yaml': WEB + '---\n' + SVC + '---\n' + ING('') + '---\n' + nginx,
    'pol.yaml': ADMIT('ingress-nginx', 'app.kubernetes.io/name: ingress-nginx'),
  });
  assert.ok(
    got.includes(
      'ingress-nginx/ingress-nginx-controller[Deployment] => shop/web[Deployment] : All Connections',
    ),
    got.join('\n'),
  );
  assert.not.ok(
    got.some((l) => l.includes('{ingress-controller}')),
    got.join('\n'),
  );
});

ctl.run();

const dns = suite('reach: DNS edges');

const DEPLOY = (ns: string, name: string, labels = `app: ${name}`) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  selector: {matchLabels: {${labels}}}\n  template:\n    metadata: {labels: {${labels}}}\n    spec: {containers: [{name: c, image: c}]}\n---\n`;
const EGRESS = (ns: string, ports: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: egress, namespace: ${ns}}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]\n    ports: [${ports}]\n---\n`;

dns(
  'the DNS pods of the config (namespace, labels) are the targets; policies cut the edge to what they allow',
  () => {
    const cluster: ClusterSettings = {
      ...defaultConfig('/').cluster,
      dns: {
        namespace: 'dns',
        podLabels: { 'k8s-app': 'kube-dns' },
        serviceIP: undefined,
        nodeLocalIP: undefined,
      },
    };
    const got = lines(
      {
        'apps.yaml':
          DEPLOY('shop', 'web') +
          DEPLOY('jobs', 'batch') +
          DEPLOY('dns', 'resolver', 'k8s-app: kube-dns') +
          EGRESS('jobs', '{port: 53, protocol: UDP}'),
      },
      { dns: true },
      cluster,
    ).filter((l) => l.includes('=> dns/') && !l.includes('[External]'));
    assert.equal(got, [
      'jobs/batch[Deployment] => dns/resolver[Deployment] : UDP 53',
      'shop/web[Deployment] => dns/resolver[Deployment] : All Connections',
    ]);
  },
);

dns('a workload without a UDP 53 DNS edge is one egress-blocks-dns reports, and no other', () => {
  const files = {
    'apps.yaml':
      DEPLOY('a', 'open') +
      DEPLOY('b', 'udp-only') +
      DEPLOY('c', 'none') +
      DEPLOY('d', 'both') +
      EGRESS('b', '{port: 53, protocol: UDP}') +
      EGRESS('c', '{port: 80}') +
      EGRESS('d', '{port: 53, protocol: UDP}, {port: 53, protocol: TCP}'),
  };
  const edges = lines(files, { dns: true }).filter((l) => l.includes('=> kube-system/coredns'));
  const noUdp = ['a/open', 'b/udp-only', 'c/none', 'd/both'].filter(
    (w) => !edges.some((l) => l.startsWith(`${w}[`) && /UDP 53|All Connections/.test(l)),
  );
  const noTcp = ['a/open', 'b/udp-only', 'c/none', 'd/both'].filter(
    (w) => !edges.some((l) => l.startsWith(`${w}[`) && /TCP 53|All Connections/.test(l)),
  );
  const findings = lintTexts(files, { ruleIds: ['egress-blocks-dns'] });
  const flagged = (sev: string) =>
    findings
      .filter((f) => f.severity === sev)
      .map((f) => /namespace '([a-z]+)'/.exec(f.message)?.[1])
      .sort();
  assert.equal(noUdp, ['c/none']);
  assert.equal(flagged('error'), ['c']);
  assert.equal(noTcp, ['b/udp-only', 'c/none']);
  assert.equal(flagged('warning'), ['b']);
});

dns.run();
