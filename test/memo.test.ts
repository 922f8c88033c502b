import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { oncePer } from '../src/util/memo';

const t = suite('oncePer');

t('reads once per key object, undefined results included, and keeps keys apart', () => {
  const calls: object[] = [];
  const read = oncePer((key: { name: string }) => {
    calls.push(key);
    return key.name === 'none' ? undefined : [key.name];
  });
  const a = { name: 'a' };
  const none = { name: 'none' };
  assert.is(read(a), read(a), 'the same value, shared');
  assert.is(read(none), undefined);
  assert.is(read(none), undefined);
  assert.equal(read({ name: 'a' }), ['a'], 'an equal but other key is read again');
  assert.is(calls.length, 3);
});

t.run();
