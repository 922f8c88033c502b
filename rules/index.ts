// Every rule, in the order they are listed and documented. Adding a rule: write its module, add it
// here, add fixtures/<rule-id>/, run `npm run docs`.
import type { Rule } from '../src/engine/types';
import { routeBackendMissing, routeBackendPortMissing } from './gateway/route-backend-missing';
import { routeBackendNotPermitted } from './gateway/route-backend-not-permitted';
import { routeParentMissing } from './gateway/route-parent-missing';
import { gatewayClassMissing } from './gateway/gateway-class-missing';
import { gatewayInvalid } from './gateway/gateway-invalid';
import { gatewayListenerInvalid } from './gateway/gateway-listener-invalid';
import { gatewayRefNotPermitted } from './gateway/gateway-ref-not-permitted';
import { istioDestinationMissing } from './istio/istio-destination-missing';
import { istioDestinationPortMissing } from './istio/istio-destination-port-missing';
import { istioGatewayHostMismatch, istioGatewayMissing } from './istio/istio-gateway-binding';
import { istioMtlsConflict } from './istio/istio-mtls-conflict';
import { istioAuthzWithoutMtls } from './istio/istio-authz-without-mtls';
import { istioEgressBlocksIstiod } from './istio/istio-egress-blocks-istiod';
import { istioProxyUid } from './istio/istio-proxy-uid';
import { istioDefaultPolicyDuplicate } from './istio/istio-default-policy-duplicate';
import { istioGatewayConflict } from './istio/istio-gateway-conflict';
import { istioGatewayCredentialMissing } from './istio/istio-gateway-credential-missing';
import { istioGatewaySelector } from './istio/istio-gateway-selector';
import { istioPortProtocol } from './istio/istio-port-protocol';
import { istioAmbientHboneBlocked } from './istio/istio-ambient-hbone-blocked';
import { istioWebhookBlocked } from './istio/istio-webhook-blocked';
import { istioSubsetMissing } from './istio/istio-subset-missing';
import { istioSubsetNoPods } from './istio/istio-subset-no-pods';
import { ingressBackendBlocked } from './ingress/ingress-backend-blocked';
import { ingressBackendMissing } from './ingress/ingress-backend-missing';
import { ingressBackendInvalid } from './ingress/ingress-backend-invalid';
import { backendNotChecked } from './ingress/backend-not-checked';
import { ingressBackendNoEndpoints } from './ingress/ingress-backend-no-endpoints';
import { ingressBackendPortMissing } from './ingress/ingress-backend-port-missing';
import { ingressClassMissing } from './ingress/ingress-class-missing';
import { ingressPathInvalid } from './ingress/ingress-path-invalid';
import { ingressRuleConflict } from './ingress/ingress-rule-conflict';
import { ingressTlsSecretMissing } from './ingress/ingress-tls-secret-missing';
import { apiVersionRemoved } from './input/api-version-removed';
import { corefileInvalid } from './dns/corefile-invalid';
import { corednsPluginRemoved } from './dns/coredns-plugin-removed';
import { corednsForwardLoop } from './dns/coredns-forward-loop';
import { corednsNoUpstream } from './dns/coredns-no-upstream';
import { clusterDomainMismatch } from './dns/cluster-domain-mismatch';
import { kubeletClusterDnsMismatch } from './dns/kubelet-cluster-dns-mismatch';
import { podDnsMixedResolvers } from './dns/pod-dns-mixed-resolvers';
import { corednsUpstreamBlocked } from './dns/coredns-upstream-blocked';
import { corednsApiserverBlocked } from './dns/coredns-apiserver-blocked';
import { nodeLocalDnsBlocked } from './dns/node-local-dns-blocked';
import { duplicateObject } from './input/duplicate-object';
import { helmTemplate } from './input/helm-template';
import { internalError } from './input/internal-error';
import { objectNameInvalid } from './input/object-name-invalid';
import { unusedDisableDirective } from './input/unused-disable-directive';
import { metadataNotString } from './input/metadata-not-string';
import { parseError } from './input/parse-error';
import { unresolvedPlaceholder } from './input/unresolved-placeholder';
import { cidrInvalid } from './net/cidr-invalid';
import { cidrNotCanonical } from './net/cidr-not-canonical';
import { clusterCidrOverlap } from './net/cluster-cidr-overlap';
import { ipblockExceptOutsideCidr } from './net/ipblock-except-outside-cidr';
import { ipblockRedundant } from './net/ipblock-redundant';
import { ipblockTargetsClusterRange } from './net/ipblock-targets-cluster-range';
import { serviceIpOutOfRange } from './net/service-ip-out-of-range';
import { ciliumEgressBlocksApiserver } from './netpol/cilium-egress-blocks-apiserver';
import { ciliumFqdnWithoutDnsProxy } from './netpol/cilium-fqdn-without-dns-proxy';
import { ciliumL7PortNotTcp } from './netpol/cilium-l7-port-not-tcp';
import { ciliumPolicyInvalid } from './netpol/cilium-policy-invalid';
import { calicoPolicyInvalid } from './netpol/calico-policy-invalid';
import { calicoDefaultDenySystem } from './netpol/calico-default-deny-system';
import { calicoPolicyTypesMismatch } from './netpol/calico-policy-types-mismatch';
import { calicoSelectorSelectsNothing } from './netpol/calico-selector-selects-nothing';
import { calicoRuleShadowed } from './netpol/calico-rule-shadowed';
import { ciliumSelectorKeyMistyped } from './netpol/cilium-selector-key-mistyped';
import { egressBlocksDns } from './netpol/egress-blocks-dns';
import { hostNetworkDnsPolicy } from './netpol/host-network-dns-policy';
import { legacyDefaultDenyAnnotation } from './netpol/legacy-default-deny-annotation';
import { namespaceLabelNotSet } from './netpol/namespace-label-not-set';
import { policyEgressIgnored } from './netpol/policy-egress-ignored';
import { policyInvalid } from './netpol/policy-invalid';
import { policyNamedPortMissing } from './netpol/policy-named-port-missing';
import { policyPeerSelectsNothing } from './netpol/policy-peer-selects-nothing';
import { policySelectsNoPods } from './netpol/policy-selects-no-pods';
import { policyUsesServicePort } from './netpol/policy-uses-service-port';
import { endpointsliceWithoutService } from './service/endpointslice-without-service';
import { nodePortConflict } from './service/node-port-conflict';
import { servicePortInvalid } from './service/service-port-invalid';
import { servicePortProtocolMismatch } from './service/service-port-protocol-mismatch';
import { serviceSelectorNoMatch } from './service/service-selector-no-match';
import { serviceSelectsMultipleWorkloads } from './service/service-selects-multiple-workloads';
import { serviceTargetPortMissing } from './service/service-target-port-missing';
import { monitorSelectsNothing } from './prometheus/monitor-selects-nothing';
import { monitorPortMissing } from './prometheus/monitor-port-missing';
import { monitorNotSelected } from './prometheus/monitor-not-selected';
import { certificateIssuerMissing } from './cert-manager/certificate-issuer-missing';
import { certificateHostMismatch } from './cert-manager/certificate-host-mismatch';
import { ingressTlsEntryInvalid } from './ingress/ingress-tls-entry-invalid';
import { monitorScrapeBlocked } from './prometheus/monitor-scrape-blocked';
import { acmeSolverUnreachable } from './cert-manager/acme-solver-unreachable';
import { containerPortConflict } from './workload/container-port-conflict';
import { probePortMissing } from './workload/probe-port-missing';
import { statefulsetServiceMissing } from './workload/statefulset-service-missing';
import { workloadSelectorMismatch } from './workload/workload-selector-mismatch';

export const RULES: readonly Rule[] = [
  parseError,
  helmTemplate,
  duplicateObject,
  objectNameInvalid,
  internalError,
  unresolvedPlaceholder,
  unusedDisableDirective,
  apiVersionRemoved,
  metadataNotString,
  serviceSelectorNoMatch,
  serviceSelectsMultipleWorkloads,
  workloadSelectorMismatch,
  serviceTargetPortMissing,
  servicePortProtocolMismatch,
  servicePortInvalid,
  nodePortConflict,
  containerPortConflict,
  probePortMissing,
  statefulsetServiceMissing,
  endpointsliceWithoutService,
  egressBlocksDns,
  namespaceLabelNotSet,
  policySelectsNoPods,
  policyPeerSelectsNothing,
  policyNamedPortMissing,
  policyUsesServicePort,
  policyEgressIgnored,
  policyInvalid,
  hostNetworkDnsPolicy,
  corefileInvalid,
  corednsPluginRemoved,
  corednsForwardLoop,
  corednsNoUpstream,
  clusterDomainMismatch,
  kubeletClusterDnsMismatch,
  podDnsMixedResolvers,
  corednsUpstreamBlocked,
  corednsApiserverBlocked,
  nodeLocalDnsBlocked,
  ciliumFqdnWithoutDnsProxy,
  ciliumPolicyInvalid,
  ciliumEgressBlocksApiserver,
  ciliumSelectorKeyMistyped,
  ciliumL7PortNotTcp,
  calicoPolicyInvalid,
  calicoDefaultDenySystem,
  calicoPolicyTypesMismatch,
  calicoSelectorSelectsNothing,
  calicoRuleShadowed,
  legacyDefaultDenyAnnotation,
  cidrInvalid,
  cidrNotCanonical,
  ipblockExceptOutsideCidr,
  ipblockRedundant,
  ipblockTargetsClusterRange,
  clusterCidrOverlap,
  serviceIpOutOfRange,
  ingressBackendMissing,
  ingressBackendInvalid,
  ingressBackendPortMissing,
  ingressBackendNoEndpoints,
  ingressClassMissing,
  ingressTlsSecretMissing,
  ingressRuleConflict,
  ingressPathInvalid,
  ingressBackendBlocked,
  routeBackendMissing,
  routeBackendPortMissing,
  routeBackendNotPermitted,
  routeParentMissing,
  monitorSelectsNothing,
  monitorPortMissing,
  monitorNotSelected,
  monitorScrapeBlocked,
  certificateIssuerMissing,
  certificateHostMismatch,
  ingressTlsEntryInvalid,
  acmeSolverUnreachable,
  gatewayInvalid,
  gatewayListenerInvalid,
  gatewayRefNotPermitted,
  gatewayClassMissing,
  backendNotChecked,
  istioDestinationMissing,
  istioDestinationPortMissing,
  istioSubsetMissing,
  istioSubsetNoPods,
  istioGatewayMissing,
  istioGatewayHostMismatch,
  istioGatewayConflict,
  istioGatewaySelector,
  istioGatewayCredentialMissing,
  istioPortProtocol,
  istioAmbientHboneBlocked,
  istioWebhookBlocked,
  istioMtlsConflict,
  istioAuthzWithoutMtls,
  istioEgressBlocksIstiod,
  istioProxyUid,
  istioDefaultPolicyDuplicate,
];
