// Facts about kinds that the model needs: which are cluster-scoped, which produce pods, which are
// known to produce none.

/** API groups served by Kubernetes itself (the core group is ''). */
export const BUILTIN_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'extensions',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'apiextensions.k8s.io',
  'admissionregistration.k8s.io',
  'autoscaling',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'scheduling.k8s.io',
  'node.k8s.io',
  'certificates.k8s.io',
  'apiregistration.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'resource.k8s.io',
  'internal.apiserver.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'storagemigration.k8s.io',
]);

/**
 * Cluster-scoped kinds, keyed `group/Kind`. A namespace written on such an object is ignored by the
 * API server, so the model ignores it too. CustomResourceDefinitions in the input add to this.
 */
export const CLUSTER_SCOPED = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment',
  'networking.k8s.io/IngressClass',
  'networking.k8s.io/IPAddress',
  'networking.k8s.io/ServiceCIDR',
  'extensions/PodSecurityPolicy',
  'policy/PodSecurityPolicy',
  'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass',
  'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'certificates.k8s.io/CertificateSigningRequest',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'gateway.networking.k8s.io/GatewayClass',
  'policy.networking.k8s.io/AdminNetworkPolicy',
  'policy.networking.k8s.io/BaselineAdminNetworkPolicy',
  'cert-manager.io/ClusterIssuer',
  'cilium.io/CiliumClusterwideNetworkPolicy',
  'crd.projectcalico.org/GlobalNetworkPolicy',
  'crd.projectcalico.org/Tier',
  'crd.projectcalico.org/GlobalNetworkSet',
  'crd.projectcalico.org/HostEndpoint',
  'crd.projectcalico.org/IPPool',
  'crd.projectcalico.org/BGPConfiguration',
  'crd.projectcalico.org/BGPPeer',
  'crd.projectcalico.org/FelixConfiguration',
  'projectcalico.org/GlobalNetworkPolicy',
  'projectcalico.org/StagedGlobalNetworkPolicy',
  'projectcalico.org/GlobalNetworkSet',
  'projectcalico.org/HostEndpoint',
  'projectcalico.org/IPPool',
  'projectcalico.org/BGPConfiguration',
  'projectcalico.org/BGPPeer',
  'projectcalico.org/FelixConfiguration',
  'projectcalico.org/Node',
  'projectcalico.org/Tier',
  'projectcalico.org/ClusterInformation',
  'operator.tigera.io/Installation',
  'operator.tigera.io/APIServer',
  'operator.tigera.io/Goldmane',
  'operator.tigera.io/Whisker',
  'templates.gatekeeper.sh/ConstraintTemplate',
  'kyverno.io/ClusterPolicy',
  'cilium.io/CiliumClusterwideNetworkPolicy',
  'cilium.io/CiliumNode',
  'cilium.io/CiliumIdentity',
]);

/**
 * Group suffixes of configuration files that are read by a tool, never applied to the API
 * (kind, kubeadm, kubelet, kube-proxy). They have no namespace.
 */
const CONFIG_FILE_GROUPS = [
  'kind.x-k8s.io',
  'kubeadm.k8s.io',
  'kubelet.config.k8s.io',
  'kubeproxy.config.k8s.io',
  'kubecontrollermanager.config.k8s.io',
  'kubescheduler.config.k8s.io',
  'apiserver.config.k8s.io',
  'apiserver.k8s.io',
  'kustomize.config.k8s.io',
];

/** Answers by group: asked for every object, while a repository holds a few dozen groups. */
const configFileGroup = new Map<string, boolean>();

export function isConfigFileGroup(group: string): boolean {
  let known = configFileGroup.get(group);
  if (known === undefined) {
    known = CONFIG_FILE_GROUPS.some((g) => group === g || group.endsWith('.' + g));
    configFileGroup.set(group, known);
  }
  return known;
}

/** Custom kinds known to create no pods, keyed `group/Kind`, or `group/*` for a whole group. */
const POD_FREE = new Set([
  'monitoring.coreos.com/ServiceMonitor',
  'monitoring.coreos.com/PodMonitor',
  'monitoring.coreos.com/PrometheusRule',
  'monitoring.coreos.com/Probe',
  'monitoring.coreos.com/AlertmanagerConfig',
  'monitoring.coreos.com/ScrapeConfig',
  'gateway.networking.k8s.io/HTTPRoute',
  'gateway.networking.k8s.io/GRPCRoute',
  'gateway.networking.k8s.io/TLSRoute',
  'gateway.networking.k8s.io/TCPRoute',
  'gateway.networking.k8s.io/UDPRoute',
  'gateway.networking.k8s.io/ReferenceGrant',
  'gateway.networking.k8s.io/BackendTLSPolicy',
  'argoproj.io/Application',
  'argoproj.io/ApplicationSet',
  'argoproj.io/AppProject',
  'constraints.gatekeeper.sh/*',
  'templates.gatekeeper.sh/*',
  'config.gatekeeper.sh/*',
  'kyverno.io/*',
  'networking.istio.io/*',
  'security.istio.io/*',
  'telemetry.istio.io/*',
  'extensions.istio.io/*',
  'cert-manager.io/*',
  'acme.cert-manager.io/*',
  'crd.projectcalico.org/*',
  'projectcalico.org/*',
  'cilium.io/*',
  'policy.networking.k8s.io/*',
  'k8s.cni.cncf.io/*',
  'snapshot.storage.k8s.io/*',
  'traefik.io/*',
  'traefik.containo.us/*',
  'keda.sh/*',
  'autoscaling.k8s.io/*',
  // Networking, security, routing and secret-sync configuration read by controllers that create
  // no pods of their own for it.
  'k8s.ovn.org/*',
  'security.openshift.io/*',
  'route.openshift.io/*',
  'policy.linkerd.io/*',
  'linkerd.io/*',
  'split.smi-spec.io/*',
  'specs.smi-spec.io/*',
  'access.smi-spec.io/*',
  'metallb.io/*',
  'getambassador.io/*',
  'elbv2.k8s.aws/*',
  'apisix.apache.org/*',
  'external-secrets.io/*',
  'bitnami.com/*',
  'source.toolkit.fluxcd.io/*',
  'notification.toolkit.fluxcd.io/*',
  'image.toolkit.fluxcd.io/*',
  'config.istio.io/*',
  // Test definitions of policy tools (Chainsaw, the Kyverno CLI) and policy reports.
  'chainsaw.kyverno.io/*',
  'cli.kyverno.io/*',
  'reports.kyverno.io/*',
  'wgpolicyk8s.io/*',
]);

export function isPodFree(group: string, kind: string): boolean {
  if (BUILTIN_GROUPS.has(group) || isConfigFileGroup(group)) return true;
  return POD_FREE.has(`${group}/${kind}`) || POD_FREE.has(`${group}/*`);
}

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
