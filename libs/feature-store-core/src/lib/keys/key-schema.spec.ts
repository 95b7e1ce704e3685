import { createKeySchema, eventTimeField } from './key-schema';

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
    expect(createKeySchema(namespace).entityIndex(entity)).toBe(expected);
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
