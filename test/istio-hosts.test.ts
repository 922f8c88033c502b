// Istio host resolution (src/istio/hosts.ts): short names expand in the resource's namespace with
// the cluster domain, dotted names stay as written, wildcards cover suffixes, exportTo limits who sees.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hostCovers, hostsOverlap, resolveHost, serviceOfHost, visibleFrom } from '../src/istio/hosts';

const t = suite('istio hosts');

t('short names expand in the namespace of the resource, dotted names stay literal', () => {
  assert.is(resolveHost('reviews', 'shop', 'cluster.local'), 'reviews.shop.svc.cluster.local');
  assert.is(resolveHost('Reviews', 'shop', 'corp.internal'), 'reviews.shop.svc.corp.internal');
  assert.is(resolveHost('reviews.shop', 'front', 'cluster.local'), 'reviews.shop');
  assert.is(resolveHost('*', 'shop', 'cluster.local'), '*');
});

t('a Service host is <name>.<namespace>.svc.<domain> of the cluster domain only', () => {
  assert.equal(serviceOfHost('reviews.shop.svc.cluster.local', 'cluster.local'), {
    name: 'reviews',
    namespace: 'shop',
  });
  assert.is(serviceOfHost('reviews.shop.svc.cluster.local', 'corp.internal'), undefined);
  assert.is(serviceOfHost('a.b.shop.svc.cluster.local', 'cluster.local'), undefined);
  assert.is(serviceOfHost('www.example.com', 'cluster.local'), undefined);
});

t('wildcards cover suffixes, not the bare domain; * covers everything', () => {
  assert.ok(hostCovers('*.example.com', 'api.example.com'));
  assert.ok(hostCovers('*.example.com', 'a.b.example.com'));
  assert.not.ok(hostCovers('*.example.com', 'example.com'));
  assert.ok(hostCovers('*', 'reviews.shop.svc.cluster.local'));
  assert.ok(hostCovers('*.com', '*.example.com'));
  assert.not.ok(hostCovers('*.example.com', '*.com'));
  assert.ok(hostsOverlap('*.example.com', '*.com'));
  assert.not.ok(hostsOverlap('a.example.com', 'b.example.com'));
});

t('exportTo: default everywhere, "." own namespace, "~" nowhere, names', () => {
  assert.ok(visibleFrom(undefined, 'shop', 'front'));
  assert.ok(visibleFrom(['.'], 'shop', 'shop'));
  assert.not.ok(visibleFrom(['.'], 'shop', 'front'));
  assert.not.ok(visibleFrom(['~'], 'shop', 'shop'));
  assert.ok(visibleFrom(['front'], 'shop', 'front'));
  assert.ok(visibleFrom(['*'], 'shop', 'front'));
});

t.run();
