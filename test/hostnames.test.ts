// Gateway API hostname intersection (src/model/hostnames.ts), case by case from the spec's examples.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hostnamesIntersect, routeMatchesListenerHostname } from '../src/model/hostnames';

const t = suite('gateway hostnames');

t('precise names match only themselves', () => {
  assert.ok(hostnamesIntersect('test.example.com', 'test.example.com'));
  assert.ok(hostnamesIntersect('Test.Example.com', 'test.example.com'));
  assert.not.ok(hostnamesIntersect('test.example.com', 'example.com'));
  assert.not.ok(hostnamesIntersect('test.example.com', 'test.example.net'));
});

t('a listener wildcard is a suffix match of one or more labels, not the bare domain', () => {
  assert.ok(hostnamesIntersect('test.example.com', '*.example.com'));
  assert.ok(hostnamesIntersect('foo.test.example.com', '*.example.com'));
  assert.ok(hostnamesIntersect('*.example.com', '*.example.com'));
  assert.not.ok(hostnamesIntersect('example.com', '*.example.com'));
  assert.not.ok(hostnamesIntersect('test.example.net', '*.example.com'));
  // A suffix must end at a label boundary.
  assert.not.ok(hostnamesIntersect('badexample.com', '*.example.com'));
});

t('a route wildcard matches a listener name under it', () => {
  assert.ok(hostnamesIntersect('*.example.com', 'test.example.com'));
  assert.not.ok(hostnamesIntersect('*.example.com', 'example.com'));
});

t('two wildcards intersect when one suffix holds the other', () => {
  assert.ok(hostnamesIntersect('*.example.com', '*.foo.example.com'));
  assert.ok(hostnamesIntersect('*.foo.example.com', '*.example.com'));
  assert.not.ok(hostnamesIntersect('*.example.com', '*.example.net'));
  assert.not.ok(hostnamesIntersect('*.badexample.com', '*.example.com'));
});

t('no hostname on either side matches everything', () => {
  assert.ok(routeMatchesListenerHostname([], 'test.example.com'));
  assert.ok(routeMatchesListenerHostname(['a.example.com'], undefined));
  assert.ok(routeMatchesListenerHostname(['a.example.com'], ''));
  assert.ok(routeMatchesListenerHostname(['a.example.net', 'a.example.com'], '*.example.com'));
  assert.not.ok(routeMatchesListenerHostname(['a.example.net', 'example.com'], '*.example.com'));
});

t.run();
