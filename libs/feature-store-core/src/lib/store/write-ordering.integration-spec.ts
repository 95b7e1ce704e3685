import { type TestRedis, deleteNamespace, redisForTests, uniqueNamespace } from '@feature-store/testing';
import { type RedisClient, createRedisClient } from '../redis/create-redis-client';
import { Registry } from '../registry/registry';
import { FeatureStore } from './feature-store';
import type { WriteRow } from '../write/row-encoder';

const registry = Registry.fromObject({
  entities: { account: {}, session: { ttl: '10s' } },
  views: {
    balances: { entity: 'account', features: { balance: 'int' } },
    risk: { entity: 'account', max_age: '1h', features: { score: 'float' } },
    session_state: { entity: 'session', max_age: '10s', features: { step: 'int' } },
  },
});

/** Fisher-Yates with a seeded generator, so a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  let state = seed;
  const random = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}

describe('write ordering, expiry and ttl on a real Redis', () => {
  let server: TestRedis;
  const clients: RedisClient[] = [];
  const namespace = uniqueNamespace('ordering');
  const storeOn = (clock?: () => number) => {
    const client = createRedisClient(server.target);
    clients.push(client);
    return new FeatureStore(client, clock ? { registry, namespace, clock } : { registry, namespace });
  };

  beforeAll(async () => {
    server = await redisForTests();
  });

  afterAll(async () => {
    await deleteNamespace(clients[0]!, namespace);
    await Promise.all(clients.map((client) => client.quit()));
    await server.stop();
  });

  it('keeps the newest event time per id when two writers race out of order', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `acct-${i}`);
    // 40 rows per id with distinct event times; the value records which event time wrote it.
    const rows: WriteRow[] = ids.flatMap((id) =>
      Array.from({ length: 40 }, (_, k) => ({ id, eventTime: 1_000 + k, features: { balance: 1_000 + k } })),
    );
    const [left, right] = [storeOn(), storeOn()];
    const mine = shuffled(rows, 7);
    const half = mine.length / 2;
    const batches = (part: WriteRow[]) => Array.from({ length: 20 }, (_, b) => part.slice(b * 50, (b + 1) * 50));
    const results = await Promise.all([
      Promise.all(batches(mine.slice(0, half)).map((batch) => left.write('balances', batch))),
      Promise.all(batches(mine.slice(half)).map((batch) => right.write('balances', batch))),
    ]);
    const totals = results.flat().reduce((sum, result) => ({
      written: sum.written + result.written,
      stale: sum.stale + result.stale,
    }));
    expect(totals.written + totals.stale).toBe(rows.length);
    expect(totals.stale).toBeGreaterThan(0);

    const records = await left.getMany('account', ids);
    for (const record of records) {
      expect(record?.features['balance']).toBe(1_039);
      expect(record?.eventTimes['balances']).toBe(1_039);
    }
  });

  it('serves rows older than the view max_age as expired: null values and the view named', async () => {
    const writtenAt = Date.UTC(2026, 0, 1);
    await storeOn().write('risk', [{ id: 'acct-x', eventTime: writtenAt, features: { score: 0.7 } }]);
    await storeOn().write('balances', [{ id: 'acct-x', eventTime: writtenAt, features: { balance: 5 } }]);

    const fresh = await storeOn(() => writtenAt + 3_600_000).get('account', 'acct-x');
    expect(fresh).toMatchObject({ features: { balance: 5, score: 0.7 }, expired: [] });

    const late = await storeOn(() => writtenAt + 3_600_001).get('account', 'acct-x');
    expect(late).toMatchObject({ features: { balance: 5, score: null }, expired: ['risk'] });
    expect(late?.eventTimes['risk']).toBe(writtenAt);
    const lateRows = await storeOn(() => writtenAt + 3_600_001).read({ entity: 'account', ids: ['acct-x'] });
    expect([lateRows.json(0, 0), lateRows.json(0, 1)]).toEqual(['5', 'null']);
    expect([lateRows.status(0, 0), lateRows.status(0, 1)]).toEqual(['PRESENT', 'OUTSIDE_MAX_AGE']);
  });

  it('sets the entity ttl on accepted writes only', async () => {
    const store = storeOn();
    const client = clients[clients.length - 1]!;
    const key = `${namespace}session:s1:features`;
    const now = Date.now();
    await store.write('session_state', [{ id: 's1', eventTime: now, features: { step: 1 } }]);
    const ttl = await client.pttl(key);
    expect(ttl).toBeGreaterThan(9_000);
    expect(ttl).toBeLessThanOrEqual(10_000);

    await client.pexpire(key, 4_000);
    await expect(store.write('session_state', [{ id: 's1', eventTime: now - 1, features: { step: 0 } }])).resolves.toEqual({
      written: 0,
      stale: 1,
    });
    expect(await client.pttl(key)).toBeLessThanOrEqual(4_000);

    await store.write('session_state', [{ id: 's1', eventTime: now + 1, features: { step: 2 } }]);
    expect(await client.pttl(key)).toBeGreaterThan(9_000);
  });
});
