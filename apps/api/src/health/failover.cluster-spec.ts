import { type SpawnedCluster, eventually, spawnRedisCluster } from '@feature-store/testing';
import { type TestApi, type TestResponse, startTestApi } from '../testing/test-api';

const WRITER = 'failover-writer-key-0123456789';
const IDS = Array.from({ length: 300 }, (_, n) => `user${n}`);
const pick = () => IDS[Math.floor(Math.random() * IDS.length)]!;

/**
 * The API as configured for a cluster (REDIS_CLUSTER_NODES, the default command timeout there) on
 * a private 3 x 1 cluster whose master is killed with SIGKILL while requests keep coming.
 */
describe('the API on a Redis Cluster losing a master (kill -9)', () => {
  jest.setTimeout(60_000);
  let cluster: SpawnedCluster;
  let api: TestApi;

  beforeAll(async () => {
    cluster = await spawnRedisCluster();
    api = await startTestApi({ API_KEYS: `ingest:${WRITER}:write` }, cluster);
    await api.store.write('user_features', IDS.map((id) => ({ id, eventTime: 1, features: { age: 1 } })));
  });

  afterAll(async () => {
    await api.close();
    await cluster.stop();
  });

  it('answers every read and push while a replica takes over, then serves as before', async () => {
    const unexpected: string[] = [];
    let running = true;
    let served = 0;
    let worstMs = 0;
    let eventTime = Date.now();
    const check = (what: string, response: TestResponse) => {
      served++;
      if (response.statusCode !== 200) unexpected.push(`${what}: ${response.statusCode} ${response.body}`);
    };
    const client = async (step: () => Promise<void>) => {
      while (running) {
        const started = Date.now();
        await step();
        worstMs = Math.max(worstMs, Date.now() - started);
      }
    };
    const clients = [
      client(async () => check('GET /features', await api.request('GET', `/features/${pick()}`))),
      client(async () =>
        check('POST /features/batch', await api.request('POST', '/features/batch', { user_ids: Array.from({ length: 100 }, pick) })),
      ),
      client(async () => {
        const rows = [{ id: pick(), event_ts: ++eventTime, features: { age: 2 } }];
        check('POST /v1/push', await api.request('POST', '/v1/push/user_features', { rows }, { 'x-api-key': WRITER }));
      }),
    ];
    await new Promise((resolve) => setTimeout(resolve, 300));
    const master = cluster.nodes.find((node) => node.role === 'master')!;
    process.kill(master.pid, 'SIGKILL');
    const atKill = served;
    await eventually('requests to be served after the failover', 20_000, () => served > atKill + 200, 50);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    running = false;
    await Promise.all(clients);

    expect(unexpected).toEqual([]);
    expect(worstMs).toBeGreaterThan(1_000); // requests did wait through the failover
    expect((await api.request('GET', '/health/ready')).statusCode).toBe(200);
  });
});
