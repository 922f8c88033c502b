// The edges `reach` adds for the person debugging: address families in both directions, the
// ingress controller, the cluster DNS pods.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../src/config/types';
import { buildReachMap } from '../src/reach/map';
import { modelOf } from './helpers';

const WEB =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]}\n';

function lines(files: Record<string, string>, opts: { dns?: boolean } = {}): string[] {
  const map = buildReachMap(modelOf(files), defaultConfig('/').cluster, opts);
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
