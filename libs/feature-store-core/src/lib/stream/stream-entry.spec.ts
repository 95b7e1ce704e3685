import { parseStreamEntry, toStreamFields } from './stream-entry';

describe('stream entries', () => {
  it('round-trips a row through its XADD fields', () => {
    const row = { id: 'u1', eventTime: 1_700_000_000_000, features: { age: 3, tags: null } };
    expect(toStreamFields(row)).toEqual(['id', 'u1', 'ts', '1700000000000', 'features', '{"age":3,"tags":null}']);
    expect(parseStreamEntry('1-0', toStreamFields(row))).toEqual({ row });
  });

  it('accepts ISO-8601 event times and dates rows without ts by their entry id', () => {
    expect(parseStreamEntry('5-0', ['id', 'a', 'ts', '2025-11-27T00:00:00Z', 'features', '{}'])).toEqual({
      row: { id: 'a', eventTime: 1764201600000, features: {} },
    });
    expect(parseStreamEntry('1764201600123-4', ['id', 'a', 'features', '{}'])).toEqual({
      row: { id: 'a', eventTime: 1764201600123, features: {} },
    });
  });

  it.each([
    [['ts', '1', 'features', '{}'], 'id: missing'],
    [['id', 'a', 'ts', 'soon', 'features', '{}'], 'ts: expected epoch milliseconds'],
    [['id', 'a', 'ts', '1'], 'features: missing'],
    [['id', 'a', 'features', '{age: 1}'], 'features: invalid JSON'],
    [['id', 'a', 'features', '[1]'], 'features: expected a JSON object'],
    [['id', 'a', 'features', 'null'], 'features: expected a JSON object'],
  ])('gives the reason an entry %j can never be applied', (fields, reason) => {
    const parsed = parseStreamEntry('1-0', fields);
    expect('reason' in parsed && parsed.reason).toContain(reason);
  });
});
