// Istio gateway pods and protocol selection: cases the fixture tester cannot express (files in
// distant folders) and the protocol table itself (src/istio/protocol.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { namePrefix, selectedProtocol } from '../src/istio/protocol';
import { servicePorts } from '../src/model/service-ports';
import { lintTexts } from './helpers';

const t = suite('istio gateway pods and protocols');

const INSTALL = `apiVersion: apps/v1
kind: Deployment
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  selector: {matchLabels: {istio: ingressgateway}}
  template:
    metadata: {labels: {istio: ingressgateway}}
    spec: {containers: [{name: istio-proxy, image: docker.io/istio/proxyv2:1.22.0}]}
`;
const GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: shop, namespace: shop}
spec:
  selector: {istio: ingresgateway}
  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["*"]}]
`;

t('a near miss next to the Gateway is an error, in a distant folder a note', () => {
  const near = lintTexts(
    { 'a/install.yaml': INSTALL, 'a/gateway.yaml': GATEWAY },
    { ruleIds: ['istio-gateway-selector'] },
  );
  assert.equal(
    near.map((f) => f.severity),
    ['error'],
  );
  const far = lintTexts(
    { 'install/istio/gateway.yaml': INSTALL, 'apps/shop/gateway.yaml': GATEWAY },
    { ruleIds: ['istio-gateway-selector'] },
  );
  assert.equal(
    far.map((f) => f.severity),
    ['note'],
  );
  assert.match(far[0]?.message ?? '', /has istio=ingressgateway/);
});

t(
  'protocol selection: appProtocol first, then the name prefix; kubernetes.io names; well-known ports',
  () => {
    const sp = (raw: Record<string, unknown>) =>
      servicePorts({ raw: { spec: { ports: [raw] } } } as never)[0] as NonNullable<
        ReturnType<typeof servicePorts>[0]
      >;
    assert.is(selectedProtocol(sp({ name: 'http-web', port: 80 })).protocol, 'http');
    assert.is(selectedProtocol(sp({ name: 'GRPC-Web-x', port: 80 })).protocol, 'grpc-web');
    assert.is(
      selectedProtocol(sp({ name: 'http', port: 80, appProtocol: 'kubernetes.io/h2c' })).protocol,
      'http2',
    );
    assert.is(
      selectedProtocol(sp({ name: 'x', port: 80, appProtocol: 'kubernetes.io/ws' })).protocol,
      'http',
    );
    assert.is(
      selectedProtocol(sp({ name: 'x', port: 80, appProtocol: 'kubernetes.io/wss' })).protocol,
      'https',
    );
    // appProtocol takes precedence: an unknown one leaves the port to sniffing, the name unread.
    const masked = selectedProtocol(sp({ name: 'http', port: 80, appProtocol: 'example.com/x' }));
    assert.equal([masked.protocol, masked.unknown], ['auto', 'example.com/x']);
    assert.is(selectedProtocol(sp({ name: 'db', port: 3306 })).protocol, 'tcp');
    assert.is(selectedProtocol(sp({ name: 'dns', port: 53, protocol: 'UDP' })).protocol, 'udp');
    assert.is(namePrefix('http2-metrics'), 'http2');
  },
);

t.run();
