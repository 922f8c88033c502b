// What the Cilium policies of the real corpora allow and deny, as the engine reads them: per rule of
// each CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy, the default posture of each direction,
// its allow and deny rules (peer kinds, ports, L7), and the pods of the input it selects. A change
// here is a change in Cilium semantics: check it against the Cilium docs before updating a record.
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../src/config/types';
import { load } from '../src/load/index';
import { kustomized } from '../src/load/kustomize';
import { Model } from '../src/model/model';
import { parseIp } from '../src/net/cidr';
import { ciliumPoliciesOf } from '../src/netpol/cilium';
import { PolicyEngine } from '../src/netpol/engine';
import type { PolicyRule } from '../src/netpol/policy';
import { CORPUS, SHARED, sharedAvailable, skipNotice } from './helpers';

async function engineFor(dir: string) {
  const loaded = await load(['.'], { cwd: dir, ignore: [] });
  const cluster = defaultConfig(dir).cluster;
  const model = new Model(kustomized(loaded.docs), loaded.diagnostics, {
    defaultNamespace: 'default',
    clusterDns: cluster.dns,
  });
  return { model, engine: new PolicyEngine(model, cluster) };
}

function rules(list: PolicyRule[]): string {
  return list
    .map((r) => {
      const peers =
        r.peers === undefined
          ? 'any'
          : r.peers
              .map((p) => (p.kind === 'entity' ? p.entity : p.kind === 'cidr' ? p.cidrText : p.kind))
              .join('+') || 'none';
      const ports = r.ports
        ? '@' +
          [
            ...new Set(
              r.ports.map((p) => `${p.port ?? '*'}/${p.protocol}${p.l7.length ? `(${p.l7.join()})` : ''}`),
            ),
          ].join(',')
        : '';
      return `${r.deny ? 'deny' : 'allow'}:${peers}${ports}`;
    })
    .join(' ');
}

async function summary(dir: string): Promise<string[]> {
  const { model, engine } = await engineFor(dir);
  return ciliumPoliciesOf(model).map((p) => {
    const kind = p.clusterWide ? 'CCNP' : 'CNP';
    const name = p.clusterWide ? p.obj.name : `${p.namespace}/${p.obj.name}`;
    const pods = engine.podsSelectedBy(p).map((x) => x.owner.name);
    return (
      `${kind} ${name} ${p.specPath.join('.')}: ingress ${p.ingress ? 'deny' : 'open'} [${rules(p.ingressRules)}]; ` +
      `egress ${p.egress ? 'deny' : 'open'} [${rules(p.egressRules)}]; pods ${pods.join(',') || '-'}` +
      (p.errors.length ? ' REJECTED' : '')
    );
  });
}

const c = suite('Cilium policies of the corpora');

if (!sharedAvailable()) {
  c('corpora', () => skipNotice('Cilium corpus records'));
} else {
  c("corpus/cilium: the project's own examples", async () => {
    assert.equal(await summary(path.join(CORPUS, 'cilium')), [
      // examples/minikube: the star wars demo; deathstar admits org=empire on 80/TCP only.
      'CNP default/rule1 spec: ingress deny [allow:endpoints@80/TCP]; egress open []; pods deathstar',
      // l3/fqdn (two copies): specs[1] selects every pod of the namespace (DNS proxy rule, ANY → TCP, UDP, SCTP).
      'CNP default/fqdn specs.0: ingress open []; egress deny [allow:fqdn]; pods -',
      'CNP default/fqdn specs.1: ingress open []; egress deny [allow:endpoints@53/TCP(dns),53/UDP(dns),53/SCTP(dns)]; pods deathstar,tiefighter,xwing',
      'CNP default/fqdn specs.0: ingress open []; egress deny [allow:fqdn]; pods -',
      'CNP default/fqdn specs.1: ingress open []; egress deny [allow:endpoints@53/TCP(dns),53/UDP(dns),53/SCTP(dns)]; pods deathstar,tiefighter,xwing',
      'CNP ns1/isolate-ns1 spec: ingress deny [allow:endpoints]; egress open []; pods -',
      'CNP ns2/isolate-ns1 spec: ingress deny [allow:endpoints]; egress open []; pods -',
      // kubernetes/namespace/kubedns-policy.yaml: UDP only (egress-blocks-dns would warn about TCP on pods near it).
      'CNP default/allow-to-kubedns spec: ingress open []; egress deny [allow:endpoints@53/UDP]; pods deathstar,tiefighter,xwing',
      'CNP default/cidr-rule spec: ingress open []; egress deny [allow:20.1.1.1/32 allow:10.0.0.0/8]; pods -',
      // l3/egress-default-deny: this copy writes `egress:` (null), which the agent reads as no egress
      // section ("If omitted or empty, this rule does not apply at egress"): nothing is isolated.
      // Upstream now writes `egress: [{}]`.
      'CNP default/deny-all-egress spec: ingress open []; egress open []; pods -',
      'CNP default/from-world-to-role-public spec: ingress deny [allow:world]; egress open []; pods -',
      'CNP default/to-fqdn-cascade spec: ingress open []; egress deny [allow:endpoints@53/TCP(dns),53/UDP(dns),53/SCTP(dns) allow:fqdn+fqdn+fqdn+fqdn+fqdn+fqdn+fqdn+fqdn]; pods -',
      'CNP default/to-fqdn-short spec: ingress open []; egress deny [allow:endpoints@53/TCP(dns),53/UDP(dns),53/SCTP(dns) allow:fqdn]; pods -',
      'CNP default/to-fqdn spec: ingress open []; egress deny [allow:endpoints allow:fqdn]; pods -',
      'CNP default/service-rule spec: ingress open []; egress deny [allow:service]; pods -',
      'CNP default/l3-rule spec: ingress deny [allow:endpoints]; egress open []; pods -',
      'CNP default/cidr-l4-rule spec: ingress open []; egress deny [allow:192.0.2.0/24@80/TCP]; pods -',
      'CNP default/tofqdn-dns-visibility spec: ingress open []; egress deny [allow:endpoints@53/TCP(dns),53/UDP(dns),53/SCTP(dns) allow:fqdn+fqdn+fqdn]; pods xwing',
      'CNP default/tofqdn-dns-visibility spec: ingress open []; egress deny [allow:endpoints@53/TCP(dns),53/UDP(dns),53/SCTP(dns) allow:fqdn+fqdn+fqdn+fqdn@80/TCP]; pods xwing',
    ]);
  });

  c('corpus/cilium: the star wars demo (rule1 alone decides deathstar ingress)', async () => {
    const { model, engine } = await engineFor(path.join(CORPUS, 'cilium'));
    const find = (name: string) => model.pods.find((p) => p.owner.name === name)!;
    const deathstar = find('deathstar');
    const from = (name: string, port: number) =>
      engine.ingress(deathstar, { kind: 'pod', pod: find(name) }, { protocol: 'TCP', port }).allowed;
    assert.ok(from('tiefighter', 80), 'org=empire on 80/TCP');
    assert.not.ok(from('xwing', 80), 'org=alliance');
    assert.not.ok(from('tiefighter', 8080), 'only 80/TCP');
  });

  c('corpus2/bjw-s-home-ops: 16 CNPs (namespace set by Flux) and the two CCNPs', async () => {
    const dir = path.join(SHARED, 'corpus2', 'bjw-s-home-ops');
    const got = await summary(dir);
    assert.is(got.length, 18);
    // The apps come from HelmReleases: their pods are not in the input, so the CNPs select nothing.
    assert.ok(
      got.filter((l) => l.startsWith('CNP ')).every((l) => l.endsWith('pods -')),
      'no CNP selects a pod of the input',
    );
    assert.equal(
      got.filter((l) => l.startsWith('CCNP ') || l.includes('forgejo-runner')),
      [
        // enableDefaultDeny ingress: true without ingress rules; cidrGroupRef: internet resolves through
        // the CiliumCIDRGroup of kube-system/cilium/config (the IPv4 space without the private ranges).
        'CNP default/forgejo-runner spec: ingress deny []; egress deny [allow:endpoints@3000/TCP allow:endpoints@38809/TCP allow:endpoints@8088/TCP,8089/TCP allow:endpoints@4000/TCP allow:endpoints@8080/TCP allow:endpoints allow:0.0.0.0/5+8.0.0.0/7+11.0.0.0/8+12.0.0.0/6+16.0.0.0/4+32.0.0.0/3+64.0.0.0/2+128.0.0.0/3+160.0.0.0/5+168.0.0.0/6+172.0.0.0/12+172.32.0.0/11+172.64.0.0/10+172.128.0.0/9+173.0.0.0/8+174.0.0.0/7+176.0.0.0/4+192.0.0.0/9+192.128.0.0/11+192.160.0.0/13+192.169.0.0/16+192.170.0.0/15+192.172.0.0/14+192.176.0.0/12+192.192.0.0/10+193.0.0.0/8+194.0.0.0/7+196.0.0.0/6+200.0.0.0/5+208.0.0.0/4+224.0.0.0/3@80/TCP,443/TCP]; pods -',
        'CCNP allow-cluster-egress spec: ingress open []; egress deny [allow:endpoints allow:cluster allow:world]; pods grafana,coredns',
        'CCNP allow-dns-egress spec: ingress open []; egress deny [allow:endpoints@53/UDP(dns),53/TCP(dns)]; pods grafana,coredns',
      ],
    );
    const { model, engine } = await engineFor(dir);
    const grafana = model.pods.find((p) => p.owner.name === 'grafana')!;
    const dns = model.podsIn('kube-system').find((p) => p.labels.get('k8s-app') === 'kube-dns')!;
    const ip = parseIp('1.1.1.1')!;
    for (const protocol of ['UDP', 'TCP'])
      assert.ok(engine.egress(grafana, { kind: 'pod', pod: dns }, { protocol, port: 53 }).allowed, protocol);
    assert.ok(
      engine.egress(
        grafana,
        { kind: 'ip', family: ip.family, ip: ip.value, text: '1.1.1.1' },
        { protocol: 'TCP', port: 443 },
      ).allowed,
      'toEntities world',
    );
    assert.ok(
      engine.egress(grafana, { kind: 'entity', entity: 'kube-apiserver' }, { protocol: 'TCP', port: 443 })
        .allowed,
    );
  });

  c('corpus2/cilium-cli: the connectivity-test policies select pods the Go test code creates', async () => {
    const got = await summary(path.join(SHARED, 'corpus2', 'cilium-cli'));
    assert.ok(got.length >= 72, `${got.length} policy rules`);
    assert.equal(
      got.filter((l) => !l.endsWith('pods -')),
      [],
      'none selects a pod of the input: nothing to judge',
    );
    assert.equal(
      got.filter((l) => l.includes('REJECTED')),
      [],
    );
  });
}

c.run();
