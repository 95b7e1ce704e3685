import { createKeySchema } from '../keys/key-schema';
import { Registry } from '../registry/registry';
import { rowEncoder } from './row-encoder';

const registry = Registry.fromObject({
  entities: { user: {} },
  views: { v: { entity: 'user', features: { seen: 'timestamp', n: 'int' } } },
});
const encode = rowEncoder(registry.keySpace('user'), registry.view('v'), createKeySchema('t:'));

describe('rowEncoder', () => {
  it.each<[string, unknown, number]>([
    ['an ISO-8601 time without an offset, as UTC', '2026-01-01T00:00:00', Date.UTC(2026, 0, 1)],
    ['a time with a space and no offset, as UTC', '2026-01-01 12:30:00', Date.UTC(2026, 0, 1, 12, 30)],
    ['a time with an offset', '2026-01-01T01:00:00+01:00', Date.UTC(2026, 0, 1)],
    ['a date alone, as UTC midnight', '2026-01-01', Date.UTC(2026, 0, 1)],
    ['epoch milliseconds', 1_767_225_600_000, 1_767_225_600_000],
  ])('reads the event time of %s', (_, eventTime, ms) => {
    expect(encode({ id: 'u1', eventTime: eventTime as string, features: {} }).eventTimeMs).toBe(ms);
  });

  it('stores a timestamp feature without an offset as UTC epoch milliseconds', () => {
    expect(encode({ id: 'u1', eventTime: 1, features: { seen: '2026-01-01 00:00:00' } }).set).toEqual(['seen', String(Date.UTC(2026, 0, 1))]);
  });

  it('builds the hash and index of the row, and the values to set and delete', () => {
    expect(encode({ id: 'u1', eventTime: 5, features: { n: 3, seen: null } })).toEqual({
      id: 'u1',
      hash: 't:user:u1:features',
      index: 't:all_users',
      eventTimeMs: 5,
      set: ['n', '3'],
      unset: ['seen'],
    });
  });
});
