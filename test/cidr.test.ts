import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  canonical,
  contains,
  containsIp,
  formatIp,
  hasHostBits,
  lastAddress,
  overlaps,
  parseCidr,
  parseIp,
  type Cidr,
} from '../src/net/cidr';

/** A small seeded PRNG so the property tests are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every address of a small IPv4 CIDR, as numbers: the brute-force reference. */
function addresses(c: Cidr): Set<bigint> {
  const out = new Set<bigint>();
  for (let v = c.network; v <= lastAddress(c); v++) out.add(v);
  return out;
}

const p = suite('cidr: properties against brute force (IPv4 /22–/32 inside 10.0.0.0/22)');

p('contains, overlaps, containsIp and canonical agree with address enumeration', () => {
  const r = rng(7);
  const random = (): Cidr => {
    const prefix = 22 + Math.floor(r() * 11);
    const host = Math.floor(r() * 1024);
    return parseCidr(`10.0.${host >> 8}.${host & 255}/${prefix}`)!;
  };
  for (let i = 0; i < 400; i++) {
    const a = random();
    const b = random();
    const A = addresses(a);
    const B = addresses(b);
    const subset = [...B].every((x) => A.has(x));
    const intersects = [...B].some((x) => A.has(x));
    assert.is(contains(a, b), subset, `${a.text} ⊇ ${b.text}`);
    assert.is(overlaps(a, b), intersects, `${a.text} ∩ ${b.text}`);
    assert.is(containsIp(a, 4, b.address), A.has(b.address));
    const canon = parseCidr(canonical(a))!;
    assert.equal(addresses(canon), A, 'canonical form names the same addresses');
    assert.is(hasHostBits(canon), false);
    assert.is(hasHostBits(a), a.address !== a.network);
  }
});

p.run();

const t = suite('cidr: parsing and formatting');

t('IPv4 and IPv6 parse; bad input does not', () => {
  for (const ok of [
    '0.0.0.0/0',
    '10.0.0.0/8',
    '255.255.255.255/32',
    '::/0',
    'fd00::/8',
    '2001:db8::ffff:192.0.2.0/120',
    'FE80::1/64',
  ]) {
    assert.ok(parseCidr(ok), ok);
  }
  for (const bad of [
    '10.0.0/8',
    '10.0.0.0',
    '10.0.0.0/33',
    '256.0.0.0/8',
    '010.0.0.0/8',
    '::/129',
    '1:2:3:4:5:6:7:8:9/64',
    'a::b::c/64',
    'fe80::1%eth0/64',
    '',
    '/8',
    '10.0.0.0/08',
  ]) {
    assert.not.ok(parseCidr(bad), bad);
  }
  assert.ok(parseIp('2001:db8::1'));
  assert.not.ok(parseIp('2001:db8::g'));
});

t('canonical forms (RFC 5952 compression for IPv6)', () => {
  assert.is(canonical(parseCidr('203.0.113.77/24')!), '203.0.113.0/24');
  assert.is(canonical(parseCidr('2001:db8:0:0:1:0:0:1/128')!), '2001:db8::1:0:0:1/128');
  assert.is(canonical(parseCidr('2001:DB8::1/64')!), '2001:db8::/64');
  assert.is(canonical(parseCidr('::/0')!), '::/0');
  assert.is(formatIp(6, parseIp('fd00:10:244::')!.value), 'fd00:10:244::');
  assert.is(formatIp(6, parseIp('1:0:0:2:0:0:0:3')!.value), '1:0:0:2::3');
});

t('IPv6 containment, and families never mix', () => {
  assert.ok(
    contains(parseCidr('2001:db8:42::/56')!, parseCidr('2001:db8:42:1::/112')!),
    'the kubeadm docs example overlaps',
  );
  assert.not.ok(contains(parseCidr('2001:db8:42::/64')!, parseCidr('2001:db8:42:1::/112')!));
  assert.not.ok(overlaps(parseCidr('0.0.0.0/0')!, parseCidr('::/0')!));
});

t.run();
