import { z } from 'zod';
import { ConfigError, envBool, envInt, envNamespace, parseEnv, redisDurability, redisEnv, redisTarget } from './env';

const schema = z.object({
  PORT: envInt(8000, 1, 65535),
  ...redisEnv(),
  KEY_NAMESPACE: envNamespace(),
  VERBOSE: envBool(false),
});

describe('parseEnv', () => {
  it('applies defaults for absent and empty variables', () => {
    expect(parseEnv(schema, { PORT: '', REDIS_CLUSTER_NODES: '' })).toEqual({
      PORT: 8000,
      REDIS_WAIT_REPLICAS: 0,
      REDIS_WAIT_TIMEOUT_MS: 100,
      KEY_NAMESPACE: '',
      VERBOSE: false,
    });
  });

  it('coerces and validates values', () => {
    expect(
      parseEnv(schema, { PORT: '9000', REDIS_URL: 'rediss://u:p@cache:6380/2', KEY_NAMESPACE: 'a:', VERBOSE: 'true' }),
    ).toMatchObject({ PORT: 9000, REDIS_URL: 'rediss://u:p@cache:6380/2', KEY_NAMESPACE: 'a:', VERBOSE: true });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT: expected a whole number'],
    [{ PORT: '70000' }, 'PORT: expected at most 65535'],
    [{ PORT: '1.5' }, 'PORT: expected a whole number'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL: expected redis://'],
    [{ REDIS_CLUSTER_NODES: 'a:1,b' }, 'REDIS_CLUSTER_NODES: expected host:port'],
    [{ REDIS_CLUSTER_NODES: 'http://a:1' }, 'REDIS_CLUSTER_NODES: expected host:port'],
    [{ KEY_NAMESPACE: 'a b' }, 'KEY_NAMESPACE: expected no white space'],
    [{ VERBOSE: 'yes' }, 'VERBOSE: expected true or false'],
  ])('fails fast on %j naming the variable', (env, message) => {
    expect(() => parseEnv(schema, env)).toThrow(ConfigError);
    expect(() => parseEnv(schema, env)).toThrow(message);
  });

  it('lists every bad variable at once', () => {
    expect(() => parseEnv(schema, { PORT: 'x', VERBOSE: 'y' })).toThrow(/PORT: .*\n.*VERBOSE: /s);
  });
});

describe('redisTarget', () => {
  const target = (env: NodeJS.ProcessEnv) => redisTarget(parseEnv(schema, env), 'redis://127.0.0.1:6379');

  it('names one server by REDIS_URL, the fallback when unset', () => {
    expect(target({})).toBe('redis://127.0.0.1:6379');
    expect(target({ REDIS_URL: 'redis://cache:6380' })).toBe('redis://cache:6380');
  });

  it('names a Redis Cluster by its seed nodes', () => {
    expect(target({ REDIS_CLUSTER_NODES: 'a:7000, redis://:pw@b:7001' })).toEqual(['a:7000', 'redis://:pw@b:7001']);
  });

  it('asks for durable writes only when REDIS_WAIT_REPLICAS is above 0', () => {
    expect(redisDurability(parseEnv(schema, {}))).toBeUndefined();
    expect(redisDurability(parseEnv(schema, { REDIS_WAIT_REPLICAS: '1', REDIS_WAIT_TIMEOUT_MS: '250' }))).toEqual({
      replicas: 1,
      timeoutMs: 250,
    });
  });

  it('refuses both at once, naming them', () => {
    expect(() => target({ REDIS_URL: 'redis://a:1', REDIS_CLUSTER_NODES: 'b:2' })).toThrow(
      /REDIS_CLUSTER_NODES: set REDIS_URL .* or REDIS_CLUSTER_NODES .*, not both/,
    );
  });
});
