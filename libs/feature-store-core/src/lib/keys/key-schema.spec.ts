import calculateSlot from 'cluster-key-slot';
import fc from 'fast-check';
import { INDEX_BUCKETS, compositeId, createKeySchema, eventTimeField } from './key-schema';

describe('key schema', () => {
  it.each([
    ['', 'user', 'user00001', 'user:user00001:features'],
    ['', 'user', 'a:b', 'user:a:b:features'],
    ['', 'user', '*?[x]', 'user:*?[x]:features'],
    ['', 'user', '{tag}', 'user:{tag}:features'],
    ['', 'merchant_account', '42', 'merchant_account:42:features'],
    ['t1:', 'user', 'user00001', 't1:user:user00001:features'],
  ])('namespace %j, entity %s, id %j -> hash %s', (namespace, entity, id, expected) => {
    expect(createKeySchema(namespace).entityHash(entity, id)).toBe(expected);
  });

  it.each([
    ['', 'user', 'all_users'],
    ['', 'merchant', 'all_merchants'],
    ['t1:', 'user', 't1:all_users'],
  ])('namespace %j, entity %s -> index %s', (namespace, entity, expected) => {
    const keys = createKeySchema(namespace);
    expect(keys.entityIndexes(entity)).toEqual([expected]);
    expect(keys.entityIndexOf(entity, 'user00001')).toBe(expected);
  });

  it.each([
    ['', 'user', 'all_users:{'],
    ['t1:', 'merchant', 't1:all_merchants:{'],
  ])('cluster: namespace %j, entity %s -> %s<n>} index buckets', (namespace, entity, prefix) => {
    const buckets = createKeySchema(namespace, { cluster: true }).entityIndexes(entity);
    expect(buckets).toEqual(Array.from({ length: INDEX_BUCKETS }, (_, n) => `${prefix}${n}}`));
  });

  it('cluster: spreads ids over every index bucket', () => {
    const keys = createKeySchema('', { cluster: true });
    const ids = Array.from({ length: 1_000 }, (_, n) => `user${n}`);
    const used = new Set(ids.map((id) => keys.entityIndexOf('user', id)));
    expect(used).toEqual(new Set(keys.entityIndexes('user')));
  });

  it('cluster: hash keys keep the single-node names; a view\'s two streams share one hash tag', () => {
    const keys = createKeySchema('t1:', { cluster: true });
    expect(keys.entityHash('user', 'u1')).toBe('t1:user:u1:features');
    expect(keys.stream('risk')).toBe('t1:stream:{risk}');
    expect(keys.deadLetter('risk')).toBe('t1:stream:{risk}:dead-letter');
  });

  it.each([
    ['', 'user_features', 'stream:user_features', 'stream:user_features:dead-letter'],
    ['t1:', 'risk', 't1:stream:risk', 't1:stream:risk:dead-letter'],
  ])('namespace %j, view %s -> stream %s and dead letters %s', (namespace, view, stream, deadLetter) => {
    expect(createKeySchema(namespace).stream(view)).toBe(stream);
    expect(createKeySchema(namespace).deadLetter(view)).toBe(deadLetter);
  });

  it.each([
    ['user_features', '_ts:user_features'],
    ['v', '_ts:v'],
  ])('view %s -> event-time field %s', (view, expected) => {
    expect(eventTimeField(view)).toBe(expected);
  });

  it('never maps two different (entity, id) pairs to one hash key', () => {
    const keys = createKeySchema('');
    const pairs: Array<[string, string]> = [
      ['user', 'x:features'],
      ['user', 'x'],
      ['user_x', 'features'],
      ['user', 'x:features:features'],
    ];
    const built = pairs.map(([entity, id]) => keys.entityHash(entity, id));
    expect(new Set(built).size).toBe(pairs.length);
  });

  it.each([
    [['1001', 'c42'], '1001|c42'],
    [['a|b', 'c'], 'a%7Cb|c'],
    [['a', 'b|c'], 'a|b%7Cc'],
    [['50%', '|'], '50%25|%7C'],
    [['%7C', ''], '%257C|'],
  ])('composite id of %j -> %s', (ids, expected) => {
    expect(compositeId(ids)).toBe(expected);
  });

  it('never maps two different tuples of ids to one composite id', () => {
    const tuple = fc.array(fc.string({ unit: fc.constantFrom('a', '|', '%', '7', 'C', '2', '5') }), { minLength: 2, maxLength: 3 });
    fc.assert(
      fc.property(tuple, tuple, (a, b) => {
        fc.pre(a.length === b.length && a.some((id, index) => id !== b[index]));
        expect(compositeId(a)).not.toBe(compositeId(b));
      }),
      { numRuns: 5_000 },
    );
  });

  it('cluster: an id holding "{" cannot choose the slot of its hash or its index bucket', () => {
    const keys = createKeySchema('t1:', { cluster: true });
    expect(keys.entityHash('user', '{victim}x')).toBe('t1:user%:%7Bvictim%7Dx:features');
    expect(keys.entityHash('user', '50%}')).toBe('t1:user%:50%25%7D:features');
    expect(keys.entityHash('user', '%7Bvictim%7Dx')).toBe('t1:user:%7Bvictim%7Dx:features');
    expect(createKeySchema('t1:').entityHash('user', '{victim}x')).toBe('t1:user:{victim}x:features');
    // Ids that all name the same tag land on many slots and buckets.
    const ids = Array.from({ length: 200 }, (_, n) => `{hot}${n}`);
    expect(new Set(ids.map((id) => calculateSlot(keys.entityHash('user', id)))).size).toBeGreaterThan(150);
    expect(new Set(ids.map((id) => keys.entityIndexOf('user', id))).size).toBe(INDEX_BUCKETS);
    // Ids without "{" keep their slot and bucket.
    expect(keys.entityIndexOf('user', 'user1')).toBe(keys.entityIndexes('user')[calculateSlot('user1') % INDEX_BUCKETS]);
  });

  it.each(['tenant', 'a', 'x:y', 'ns{1}:'])('refuses the namespace %j', (namespace) => {
    expect(() => createKeySchema(namespace)).toThrow(TypeError);
  });

  it('keeps the loader\'s materialized event time per view', () => {
    expect(createKeySchema('t1:').materialized('risk')).toBe('t1:materialized:risk');
    expect(createKeySchema('t1:').loaded('risk')).toBe('t1:loaded:risk');
  });
});
