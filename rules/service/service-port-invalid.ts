import type { Rule } from '../../src/engine/types';
import { isDns1123Label, isIanaSvcName, isPortNumber } from '../../src/model/names';
import { servicePorts } from '../../src/model/service-ports';
import { asRecord, asString } from '../../src/util/values';

const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP']);

export const servicePortInvalid: Rule = {
  meta: {
    id: 'service-port-invalid',
    description: 'Service ports the API server rejects',
    details:
      'Reports Service ports that fail API validation: a port outside 1–65535, duplicate port/protocol pairs or ' +
      'names, an unnamed port in a multi-port Service, a name that is not a DNS label, a targetPort name that is ' +
      'not an IANA service name (a quoted number is a name), an unknown protocol, a nodePort outside the node port ' +
      'range (cluster.nodePortRange, default 30000–32767) or on a Service type that has no node ports.',
    severity: 'error',
    tags: ['service', 'ports'],
    docs: {
      why: 'The API server refuses the whole Service, so the apply fails and clients keep the old (or no) Service.',
      symptoms: [
        'The Service "web" is invalid: spec.ports[1].name: Required value',
        'spec.ports[1]: Duplicate value',
        'spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
      ],
      fix: 'Name every port of a multi-port Service with a lowercase DNS label, keep port/protocol pairs unique, write numeric targetPorts unquoted, and pick nodePorts from the cluster range (or leave them out).',
      example: {
        bad: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports:\n  - name: http\n    port: 80\n    nodePort: 8080\n  - port: 443\n',
        good: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports:\n  - name: http\n    port: 80\n    nodePort: 30080\n  - name: https\n    port: 443\n',
      },
    },
  },
  check(ctx) {
    const { min, max } = ctx.cluster.nodePortRange;
    for (const svc of ctx.model.ofKind('', 'Service')) {
      const spec = asRecord(svc.raw['spec']);
      const type = asString(spec?.['type']) ?? 'ClusterIP';
      const ports = servicePorts(svc);
      const seenPair = new Map<string, number>();
      const seenName = new Map<string, number>();
      for (const sp of ports) {
        const at = (field?: string) => (field ? [...sp.path, field] : sp.path);
        const report = (field: string | undefined, message: string) =>
          ctx.report({
            object: svc,
            path: at(field),
            message: `Service ${svc.name} spec.ports[${sp.index}]: ${message}`,
          });
        if (!isPortNumber(sp.port))
          report('port', `port ${String(sp.raw['port'] ?? '(missing)')} is not a port number (1–65535).`);
        if (!PROTOCOLS.has(sp.protocol))
          report('protocol', `protocol '${sp.protocol}' is not TCP, UDP or SCTP (they are case-sensitive).`);
        const pair = `${sp.port}/${sp.protocol}`;
        const firstPair = seenPair.get(pair);
        if (firstPair !== undefined && isPortNumber(sp.port)) {
          report(
            'port',
            `${pair} is already spec.ports[${firstPair}]; each port/protocol pair may appear once.`,
          );
        } else seenPair.set(pair, sp.index);
        if (sp.name === undefined || sp.name === '') {
          if (ports.length > 1)
            report(
              undefined,
              'has no name; every port of a multi-port Service needs one (it is how Ingresses, EndpointSlices and SRV records refer to it).',
            );
        } else {
          if (!isDns1123Label(sp.name))
            report(
              'name',
              `name '${sp.name}' is not a DNS label (lowercase letters, digits and '-', at most 63).`,
            );
          const firstName = seenName.get(sp.name);
          if (firstName !== undefined)
            report('name', `name '${sp.name}' is already spec.ports[${firstName}]'s.`);
          else seenName.set(sp.name, sp.index);
        }
        const rawTarget = sp.raw['targetPort'];
        // 0 and "" are defaulted to port by the API server (see servicePorts): not a finding.
        if (typeof rawTarget === 'string' && rawTarget !== '') {
          if (/^\d+$/.test(rawTarget)) {
            report(
              'targetPort',
              `targetPort "${rawTarget}" is quoted, which makes it a port name, and names must contain a letter. Write targetPort: ${rawTarget} without quotes.`,
            );
          } else if (!isIanaSvcName(rawTarget)) {
            report(
              'targetPort',
              `targetPort '${rawTarget}' is not a valid port name (IANA service name: at most 15 lowercase letters, digits and '-', with a letter).`,
            );
          }
        } else if (
          rawTarget !== undefined &&
          rawTarget !== 0 &&
          rawTarget !== '' &&
          !isPortNumber(rawTarget)
        ) {
          report('targetPort', `targetPort ${String(rawTarget)} is not a port number (1–65535).`);
        }
        if (sp.nodePort !== undefined) {
          if (type !== 'NodePort' && type !== 'LoadBalancer') {
            report(
              'nodePort',
              `nodePort is set on a Service of type ${type}; only NodePort and LoadBalancer Services have node ports.`,
            );
          } else if (sp.nodePort < min || sp.nodePort > max) {
            report(
              'nodePort',
              `nodePort ${sp.nodePort} is outside the node port range ${min}-${max}. Pick one inside it, or leave nodePort out to get one assigned.`,
            );
          }
        }
      }
    }
  },
};
