// A deterministic generator of realistic manifest repositories for the benchmark.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** mulberry32: a small seeded PRNG, so every run generates the same repository. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'cart',
  'checkout',
  'catalog',
  'search',
  'auth',
  'billing',
  'email',
  'ads',
  'media',
  'orders',
  'users',
  'pay',
];

function app(ns: string, name: string, r: () => number): string[] {
  const port = 8000 + Math.floor(r() * 1000);
  const labels = `app.kubernetes.io/name: ${name}\n        app.kubernetes.io/part-of: ${ns}`;
  const docs: string[] = [];
  docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app.kubernetes.io/name: ${name}
  annotations:
    example.com/released: 2024-0${1 + Math.floor(r() * 9)}-0${1 + Math.floor(r() * 9)}
spec:
  replicas: ${1 + Math.floor(r() * 3)}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        ${labels}
    spec:
      serviceAccountName: ${name}
      containers:
        - name: ${name}
          image: registry.example.com/${ns}/${name}:1.${Math.floor(r() * 40)}.0
          ports:
            - name: http
              containerPort: ${port}
            - name: metrics
              containerPort: 9090
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {memory: 256Mi}
          env:
            - name: LOG_LEVEL
              value: info
            - name: UPSTREAM
              value: http://${WORDS[Math.floor(r() * WORDS.length)]}.${ns}.svc.cluster.local
`);
  docs.push(`apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    app.kubernetes.io/name: ${name}
  ports:
    - name: http
      port: 80
      targetPort: http
    - name: metrics
      port: 9090
      targetPort: metrics
`);
  docs.push(`apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  namespace: ${ns}
`);
  docs.push(`apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
  namespace: ${ns}
data:
  settings.yaml: |
    listen: ":${port}"
    timeout: ${Math.floor(r() * 30)}s
`);
  if (r() < 0.5) {
    docs.push(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  ingressClassName: nginx
  rules:
    - host: ${name}.${ns}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: ${name}
                port:
                  name: http
`);
  } else {
    docs.push(`apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  parentRefs:
    - name: public
      namespace: gateways
  hostnames: ["${name}.${ns}.example.com"]
  rules:
    - backendRefs:
        - name: ${name}
          port: 80
`);
  }
  docs.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-${name}
  namespace: ${ns}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: ingress-nginx
        - podSelector:
            matchLabels:
              app.kubernetes.io/part-of: ${ns}
      ports:
        - port: http
`);
  docs.push(`apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: ${name}}
  minReplicas: 1
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
`);
  return docs;
}

/** How a repository shape rewrites the generated documents (see shapes.ts); the default is as written. */
export interface Shape {
  /** Rewrites one document's text. */
  doc?: (text: string, r: () => number) => string;
  /** Writes each namespace's documents as one multi-document file. */
  perNamespaceFile?: boolean;
}

export interface Generated {
  dir: string;
  documents: number;
  files: number;
  bytes: number;
}

/**
 * Writes about `documents` documents under `dir`: namespaces of apps, each app a folder with a few
 * multi-document files, plus default-deny policies and some cluster configuration.
 */
export function generateRepository(dir: string, documents: number, seed = 42, shape: Shape = {}): Generated {
  const r = rng(seed);
  let count = 0;
  let files = 0;
  let bytes = 0;
  // Multi-document shape: a namespace's documents wait here and are written as one file.
  let pending: { file: string; docs: string[] } | undefined;
  const flush = (): void => {
    if (pending) writeText(pending.file, pending.docs);
    pending = undefined;
  };
  const write = (file: string, docs: string[]): void => {
    const shaped = shape.doc ? docs.map((d) => (shape.doc as NonNullable<Shape['doc']>)(d, r)) : docs;
    count += docs.length;
    if (!shape.perNamespaceFile || !file.includes(`${path.sep}namespaces${path.sep}`)) {
      writeText(file, shaped);
      return;
    }
    const ns = file
      .split(path.sep)
      .slice(0, -1)
      .join(path.sep)
      .replace(/(namespaces[\\/][^\\/]+).*$/, '$1');
    const target = `${ns}.yaml`;
    if (pending?.file !== target) {
      flush();
      pending = { file: target, docs: [] };
    }
    pending.docs.push(...shaped);
  };
  const writeText = (file: string, docs: string[]): void => {
    const text = docs.join('---\n');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    files++;
    bytes += Buffer.byteLength(text);
  };
  write(path.join(dir, 'cluster', 'gateway.yaml'), [
    `apiVersion: v1
kind: Namespace
metadata:
  name: gateways
`,
    `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: public
  namespace: gateways
spec:
  gatewayClassName: example
  listeners:
    - name: http
      port: 80
      protocol: HTTP
      allowedRoutes:
        namespaces:
          from: All
`,
  ]);
  write(path.join(dir, 'cluster', 'kubeadm.yaml'), [
    `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
networking:
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/12
`,
  ]);
  let n = 0;
  while (count < documents) {
    // Zero-led numbers end real names (`team-01`, `cart-007`): they must stay on the fast path (#22).
    const ns = `team-${String(n).padStart(2, '0')}`;
    const nsDocs = [
      `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
  labels:
    team: t${n}
`,
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: ${ns}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`,
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-dns
  namespace: ${ns}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector: {}
          podSelector:
            matchLabels: {k8s-app: kube-dns}
      ports:
        - {port: 53, protocol: UDP}
        - {port: 53, protocol: TCP}
`,
    ];
    write(path.join(dir, 'namespaces', ns, 'namespace.yaml'), nsDocs);
    const apps = 5 + Math.floor(r() * 10);
    for (let i = 0; i < apps && count < documents; i++) {
      const name = `${WORDS[i % WORDS.length]}-${String(i).padStart(i % 2 ? 2 : 3, '0')}`;
      const docs = app(ns, name, r);
      // Half the apps keep one file, half split workload and networking.
      if (r() < 0.5) write(path.join(dir, 'namespaces', ns, name, 'all.yaml'), docs);
      else {
        write(path.join(dir, 'namespaces', ns, name, 'workload.yaml'), docs.slice(0, 4));
        write(path.join(dir, 'namespaces', ns, name, 'network.yaml'), docs.slice(4));
      }
    }
    n++;
  }
  flush();
  return { dir, documents: count, files, bytes };
}
