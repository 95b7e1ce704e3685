import { ConfigError } from '@feature-store/config';
import { loadApiConfig } from './api-config';

describe('loadApiConfig', () => {
  it('has the defaults of the original service', () => {
    const config = loadApiConfig({});
    expect(config).toMatchObject({
      PORT: 8000,
      HOST: '0.0.0.0',
      API_WORKERS: 1,
      redisTarget: 'redis://127.0.0.1:6379',
      REGISTRY_PATH: 'registry/features.yaml',
      KEY_NAMESPACE: '',
      BATCH_MAX_IDS: 1000,
      PUSH_MAX_ROWS: 1000,
      READS_REQUIRE_KEY: false,
    });
    expect(config.apiKeys).toEqual([]);
  });

  it('waits out a failover on a Redis Cluster: a 5 s command timeout instead of 100 ms, unless set', () => {
    expect(loadApiConfig({}).redisCommandTimeoutMs).toBe(100);
    expect(loadApiConfig({ REDIS_CLUSTER_NODES: 'a:7000' })).toMatchObject({ redisTarget: ['a:7000'], redisCommandTimeoutMs: 5_000 });
    expect(loadApiConfig({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_COMMAND_TIMEOUT_MS: '800' }).redisCommandTimeoutMs).toBe(800);
  });

  it.each([
    [{ PORT: '0' }, 'PORT: expected at least 1'],
    [{ API_WORKERS: '0' }, 'API_WORKERS: expected at least 1'],
    [{ BATCH_MAX_IDS: 'many' }, 'BATCH_MAX_IDS: expected a whole number'],
    [{ API_KEYS: 'svc:tooshort:write' }, 'API_KEYS: entry 1 (svc): keys are at least 16 characters'],
    [{ API_KEYS_FILE: '/nonexistent/keys.yaml' }, 'API_KEYS_FILE: ENOENT'],
    [{ READS_REQUIRE_KEY: 'maybe' }, 'READS_REQUIRE_KEY: expected true or false'],
    [{ REDIS_URL: 'redis://a:1', REDIS_CLUSTER_NODES: 'b:2' }, 'REDIS_CLUSTER_NODES: set REDIS_URL'],
    [{ KEY_NAMESPACE: 'tenant' }, 'KEY_NAMESPACE: expected a namespace ending with ":"'],
  ])('fails fast on %j, naming the variable', (env, message) => {
    expect(() => loadApiConfig(env)).toThrow(ConfigError);
    expect(() => loadApiConfig(env)).toThrow(message);
  });
});
