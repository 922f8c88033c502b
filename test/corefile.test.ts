import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isPlaceholder, parseCorefile, parseDirectives, tokenize, zoneKey } from '../src/dns/corefile';
import { validateCorefile } from '../src/dns/validate';
import { corednsVersion } from '../src/dns/versions';
import { forwardTarget, isIp } from '../src/dns/validate';
import { lintTexts, loadTexts } from './helpers';

const c = suite('corefile parser');

c('tokens: quotes keep spaces and braces, comments run to the end of the line, positions are 0-based', () => {
  const { tokens, errors } = tokenize('.:53 {\n  log . "{remote} {name}" # a comment }\n}\n');
  assert.equal(errors, []);
  assert.equal(
    tokens.map((t) => [t.text, t.line, t.col, t.quoted]),
    [
      ['.:53', 0, 0, false],
      ['{', 0, 5, false],
      ['log', 1, 2, false],
      ['.', 1, 6, false],
      ['{remote} {name}', 1, 8, true],
      ['}', 2, 0, false],
    ],
  );
});

c('server blocks: several keys (spaces or commas), directives with arguments and nested blocks', () => {
  const cf = parseCorefile(
    'example.org:53, example.com dns://a.b:1053 {\n  forward . 1.1.1.1 {\n    max_fails 2\n  }\n  cache 30\n}\n',
  );
  assert.equal(cf.errors, []);
  const b = cf.blocks[0]!;
  assert.equal(
    b.keys.map((k) => k.text),
    ['example.org:53', 'example.com', 'dns://a.b:1053'],
  );
  assert.equal(
    b.directives.map((d) => [d.name.text, d.args.map((a) => a.text), d.block?.map((o) => o.name.text)]),
    [
      ['forward', ['.', '1.1.1.1'], ['max_fails']],
      ['cache', ['30'], undefined],
    ],
  );
  assert.equal(b.directives[0]!.block![0]!.name.line, 2);
});

c('snippets are marked; a single block without braces is accepted as Caddy does', () => {
  const cf = parseCorefile('(common) {\n errors\n}\n. {\n import common\n}\n');
  assert.equal(
    cf.blocks.map((b) => b.snippet),
    [true, false],
  );
  const bare = parseCorefile('.:53\nwhoami\nlog\n');
  assert.equal(bare.errors, []);
  assert.equal(
    bare.blocks[0]!.directives.map((d) => d.name.text),
    ['whoami', 'log'],
  );
});

c('structural errors: unclosed block, stray brace, unterminated quote (without the unclosed echo)', () => {
  assert.match(parseCorefile('. {\n forward . 1.1.1.1 {\n}\n').errors[0]!.message, /never closed/);
  assert.equal(parseCorefile('. {\n}\n}\n').errors[0]!.line, 2);
  const q = parseCorefile('. {\n log "x\n}\n').errors;
  assert.equal(
    q.map((e) => e.message),
    ['unterminated quoted string'],
  );
});

c('override keys: plugin lines without server block keys', () => {
  const { directives, errors } = parseDirectives('log\nrewrite name a.b c.d\n');
  assert.equal(errors, []);
  assert.equal(
    directives.map((d) => d.name.text),
    ['log', 'rewrite'],
  );
});

c('zone keys: transport, fully qualified lower-case zone, default port per transport', () => {
  assert.equal(zoneKey('.:53'), { transport: 'dns', zone: '.', port: '53' });
  assert.equal(zoneKey('Example.ORG'), { transport: 'dns', zone: 'example.org.', port: '53' });
  assert.equal(zoneKey('tls://example.org'), { transport: 'tls', zone: 'example.org.', port: '853' });
  assert.equal(zoneKey(':1053'), { transport: 'dns', zone: '.', port: '1053' });
});

c('placeholders: CoreDNS {$ENV}, NodeLocal __PILLAR__, envsubst', () => {
  assert.ok(isPlaceholder('{$UPSTREAM}'));
  assert.ok(isPlaceholder('__PILLAR__CLUSTER__DNS__'));
  assert.ok(isPlaceholder('${DNS}'));
  assert.not.ok(isPlaceholder('10.96.0.10'));
});

c('validation: arguments of placeholders are not checked', () => {
  const cf = parseCorefile('. {\n forward . {$UPSTREAM} __PILLAR__UPSTREAM__SERVERS__\n cache {$TTL}\n}\n');
  assert.equal(validateCorefile(cf), []);
});

c('CoreDNS version from the image tag', () => {
  assert.is(corednsVersion('registry.k8s.io/coredns/coredns:v1.11.1'), '1.11.1');
  assert.is(corednsVersion('coredns/coredns:1.6.7'), '1.6.7');
  assert.is(corednsVersion('k8s.gcr.io/coredns:1.3.1'), '1.3.1');
  assert.is(corednsVersion('coredns/coredns:latest'), undefined);
  assert.is(corednsVersion('registry.k8s.io/dns/k8s-dns-node-cache:1.22.20'), undefined);
});

c('findings point at the directive line inside the block scalar, with its column', () => {
  const yaml =
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns, namespace: kube-system}\ndata:\n  Corefile: |\n    .:53 {\n        errors\n        forward . dns.google\n    }\n';
  const f = lintTexts({ 'cm.yaml': yaml }, { ruleIds: ['corefile-invalid'] });
  assert.equal(
    f.map((x) => [x.location.region.startLine, x.location.region.startColumn]),
    [[8, 19]],
  );
});

c('a Corefile in a quoted string: the finding names the Corefile line and points at the key', () => {
  const yaml =
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns, namespace: kube-system}\ndata:\n  Corefile: ".:53 {\\n  loop 1\\n}\\n"\n';
  const f = lintTexts({ 'cm.yaml': yaml }, { ruleIds: ['corefile-invalid'] });
  assert.is(f.length, 1);
  assert.is(f[0]!.location.region.startLine, 5);
  assert.match(f[0]!.message, /Corefile line 2/);
});

c('CoreDNS templates ({{ .Name }}) elsewhere in the Corefile do not hide a finding as a placeholder', () => {
  const yaml =
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns, namespace: kube-system}\ndata:\n  Corefile: |\n    example.org {\n        template IN A {\n            answer "{{ .Name }} 60 IN A 10.0.0.1"\n        }\n        loop 1\n    }\n';
  const f = lintTexts({ 'cm.yaml': yaml });
  assert.equal(
    f.map((x) => `${x.ruleId}:${x.location.region.startLine}`),
    ['corefile-invalid:10'],
  );
});

c('a top-level import is a line of its own, not the keys of the next server block', () => {
  const cf = parseCorefile('import custom/*.server\nexample.org {\n whoami\n}\n');
  assert.equal(cf.errors, []);
  assert.equal(
    cf.blocks.map((b) => [b.keys.map((k) => k.text), b.directives.map((d) => d.name.text)]),
    [
      [[], ['import']],
      [['example.org'], ['whoami']],
    ],
  );
});

c('forward targets: transport, host and port; files; IPv6 with and without brackets', () => {
  assert.equal(forwardTarget('8.8.8.8'), { transport: 'dns', host: '8.8.8.8', port: '53' });
  assert.equal(forwardTarget('tls://1.1.1.1'), { transport: 'tls', host: '1.1.1.1', port: '853' });
  assert.equal(forwardTarget('10.0.0.1:5353'), { transport: 'dns', host: '10.0.0.1', port: '5353' });
  assert.equal(forwardTarget('[::1]:53'), { transport: 'dns', host: '::1', port: '53' });
  assert.equal(forwardTarget('2001:4860:4860::8888'), {
    transport: 'dns',
    host: '2001:4860:4860::8888',
    port: '53',
  });
  assert.is(forwardTarget('/etc/resolv.conf'), 'file');
  assert.ok(isIp('2001:db8::1'));
  assert.not.ok(isIp('dns.google'));
  assert.not.ok(isIp('300.1.1.1'));
});

c(
  'the loader keeps Corefile and coredns-custom *.server / *.override keys, and drops other ConfigMap data',
  () => {
    const loaded = loadTexts({
      'cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns-custom, namespace: kube-system}\ndata:\n  Corefile: x\n  a.server: y\n  b.override: z\n  notes.txt: w\n',
    });
    assert.equal(Object.keys(loaded.docs[0]!.value['data'] as object).sort(), [
      'Corefile',
      'a.server',
      'b.override',
    ]);
  },
);

c.run();
