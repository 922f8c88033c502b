import type { Rule } from '../../src/engine/types';
import { dnsServiceIPs, isLoopback, kubeletConfigs, sameIp } from '../../src/dns/cluster';
import { asString } from '../../src/util/values';
import { isPlaceholder, zoneKey, type ServerBlock } from '../../src/dns/corefile';
import { corednsWorkloads } from '../../src/dns/deployment';
import { reportInCorefile } from '../../src/dns/report';
import { corefileSources, type CorefileSource } from '../../src/dns/source';
import { forwardTarget } from '../../src/dns/validate';
import { corednsConfigMap, KUBERNETES_BLOCK } from '../../src/dns/example';

const cm = (upstream: string) =>
  corednsConfigMap(['errors', ...KUBERNETES_BLOCK, `forward . ${upstream}`, 'cache 30', 'loop']);

/** The cluster DNS's own Corefiles: ConfigMaps named for CoreDNS in the DNS namespace (not NodeLocal DNSCache's). */
function isClusterDnsCorefile(src: CorefileSource, namespace: string): boolean {
  return src.object.namespace === namespace && /coredns/.test(src.object.name);
}

function regionOf(src: CorefileSource, at: { line: number; col: number; length: number }) {
  const region = src.regionAt(at.line, at.col, at.length);
  return region ? { region } : {};
}

function loopMessage(block: ServerBlock, key: string): string {
  const zone = zoneKey(key);
  return block.directives.some((d) => d.name.text === 'loop')
    ? `the loop plugin detects it and stops CoreDNS: Loop (127.0.0.1:… -> :${zone.port}) detected for zone "${zone.zone}"`
    : 'queries circle until they time out, and clients get SERVFAIL';
}

export const corednsForwardLoop: Rule = {
  meta: {
    id: 'coredns-forward-loop',
    description: 'CoreDNS forwards queries back to itself',
    details:
      'Reports a Corefile forward to a loopback address on a port the Corefile serves (inside the CoreDNS pod ' +
      'that is CoreDNS itself, unless bind restricts the listen addresses), a cluster DNS Corefile forwarding to ' +
      'the cluster DNS Service IP (kube-dns), and the cluster DNS forwarding to /etc/resolv.conf while its ' +
      'Deployment uses dnsPolicy ClusterFirst (the default), whose resolv.conf names the cluster DNS itself. A ' +
      'note for forward to /etc/resolv.conf with CoreDNS on dnsPolicy Default and a KubeletConfiguration whose ' +
      'resolvConf is /etc/resolv.conf (or unset): on systemd-resolved nodes that file names 127.0.0.53.',
    severity: 'error',
    tags: ['dns', 'coredns'],
    docs: {
      why:
        'A query CoreDNS forwards to itself comes back to it, again and again. With the loop plugin CoreDNS ' +
        'detects this and exits, so its pods crash-loop; without it, every external lookup ties up the server ' +
        'until it times out. The classic case is a node whose /etc/resolv.conf names systemd-resolved at ' +
        '127.0.0.53: inside the pod 127.0.0.53 is CoreDNS. The kubelet must then give pods the real resolver file ' +
        '(resolvConf: /run/systemd/resolve/resolv.conf), and CoreDNS must run with dnsPolicy: Default.',
      symptoms: [
        '[FATAL] plugin/loop: Loop (127.0.0.1:55953 -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting',
        'coredns pods in CrashLoopBackOff',
        'lookup example.com on 10.96.0.10:53: server misbehaving',
        ';; ->>HEADER<<- opcode: QUERY, status: SERVFAIL',
      ],
      fix:
        'Forward to real upstream resolvers (their IPs, or /etc/resolv.conf with CoreDNS on dnsPolicy: Default and ' +
        'a kubelet resolvConf that does not name a loopback resolver).',
      example: { bad: cm('127.0.0.53'), good: cm('/etc/resolv.conf') },
    },
  },
  check(ctx) {
    const { model, cluster } = ctx;
    const serviceIPs = dnsServiceIPs(model, cluster);
    const dnsLabels = Object.entries(cluster.dns.podLabels);
    const clusterFirst = corednsWorkloads(model, cluster.dns.namespace).filter(
      (w) =>
        !w.pod.hostNetwork &&
        (w.pod.dnsPolicy === undefined || w.pod.dnsPolicy === 'ClusterFirst') &&
        dnsLabels.every(([k, v]) => w.pod.labels.get(k) === v),
    );
    // CoreDNS on dnsPolicy Default reads the node's resolv.conf, which the kubelet's resolvConf names.
    const onDefault = corednsWorkloads(model, cluster.dns.namespace).find(
      (w) => w.pod.dnsPolicy === 'Default' && dnsLabels.every(([k, v]) => w.pod.labels.get(k) === v),
    );
    const kubelet = kubeletConfigs(model).find((k) => {
      const r = asString(k.raw['resolvConf']);
      return r === undefined || r === '/etc/resolv.conf';
    });
    const systemdNote = (
      src: CorefileSource,
      at: { line: number; col: number; length: number },
      who: string,
      block: ServerBlock,
      key: string,
    ) => {
      if (!onDefault || !kubelet) return;
      const region = src.regionAt(at.line, at.col, at.length);
      ctx.report({
        object: src.object,
        path: ['data', src.key],
        severity: 'note',
        message: `${who}: forward . /etc/resolv.conf with ${onDefault.pod.owner.kind} ${onDefault.pod.owner.name} on dnsPolicy Default and KubeletConfiguration resolvConf ${asString(kubelet.raw['resolvConf']) ?? 'unset (/etc/resolv.conf)'}: on nodes running systemd-resolved that file names 127.0.0.53, which inside the CoreDNS pod is CoreDNS itself, so ${loopMessage(block, key)}. Point resolvConf at /run/systemd/resolve/resolv.conf on such nodes.`,
        ...(region ? { region } : {}),
        related: [
          {
            object: kubelet,
            path: ['resolvConf'],
            message: 'the resolv.conf the kubelet gives Default pods',
          },
        ],
      });
    };
    for (const src of corefileSources(model)) {
      if (src.form !== 'corefile') continue;
      const own = isClusterDnsCorefile(src, cluster.dns.namespace);
      for (const block of src.corefile.blocks) {
        if (block.snippet || block.keys.length === 0) continue;
        if (block.directives.some((d) => d.name.text === 'bind')) continue;
        const ports = new Set(
          block.keys.filter((k) => !isPlaceholder(k.text)).map((k) => zoneKey(k.text).port),
        );
        const firstKey = (block.keys[0] as { text: string }).text;
        for (const d of block.directives) {
          if (d.name.text !== 'forward') continue;
          for (const to of d.args.slice(1)) {
            if (isPlaceholder(to.text)) continue;
            const target = forwardTarget(to.text);
            const at = { line: to.line, col: to.col, length: to.text.length };
            const who = `${src.object.kind} ${src.object.name} ${src.key}`;
            if (target === 'file') {
              if (!own || to.text !== '/etc/resolv.conf') continue;
              const w = clusterFirst[0];
              if (!w) {
                systemdNote(src, at, who, block, firstKey);
                continue;
              }
              reportInCorefile(
                ctx,
                src,
                at,
                `${who}: forward . /etc/resolv.conf, but ${w.pod.owner.kind} ${w.pod.owner.name} runs CoreDNS with dnsPolicy ${w.pod.dnsPolicy ?? 'ClusterFirst (the default)'}, so its resolv.conf names the cluster DNS Service, CoreDNS itself: ${loopMessage(block, firstKey)}. Set dnsPolicy: Default on the CoreDNS pods.`,
              );
              continue;
            }
            if (target.transport !== 'dns') continue;
            if (isLoopback(target.host) && ports.has(target.port)) {
              reportInCorefile(
                ctx,
                src,
                at,
                `${who}: forward to ${to.text}, a loopback address on port ${target.port}, which this Corefile serves: inside the CoreDNS pod that is CoreDNS itself, so ${loopMessage(block, firstKey)}.`,
              );
              continue;
            }
            const svc = own ? serviceIPs.find((s) => sameIp(s.value, target.host)) : undefined;
            if (svc) {
              ctx.report({
                object: src.object,
                path: ['data', src.key],
                message: `${who}: forward to ${to.text}, the cluster DNS Service IP: the cluster DNS forwards to itself through its Service, so ${loopMessage(block, firstKey)}.`,
                ...regionOf(src, at),
                ...(svc.object
                  ? {
                      related: [
                        { object: svc.object, path: svc.path, message: 'the cluster DNS Service IP' },
                      ],
                    }
                  : {}),
              });
            }
          }
        }
      }
    }
  },
};
