import { INDEX_BUCKETS, createKeySchema, eventTimeField } from './key-schema';

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
});
