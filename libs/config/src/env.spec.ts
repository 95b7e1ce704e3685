import { z } from 'zod';
import { ConfigError, envBool, envInt, envNamespace, envRedisUrl, parseEnv } from './env';

const schema = z.object({
  PORT: envInt(8000, 1, 65535),
  REDIS_URL: envRedisUrl('redis://127.0.0.1:6379'),
  KEY_NAMESPACE: envNamespace(),
  VERBOSE: envBool(false),
});

describe('parseEnv', () => {
  it('applies defaults for absent and empty variables', () => {
    expect(parseEnv(schema, { PORT: '' })).toEqual({
      PORT: 8000,
      REDIS_URL: 'redis://127.0.0.1:6379',
      KEY_NAMESPACE: '',
      VERBOSE: false,
    });
  });

  it('coerces and validates values', () => {
    expect(
      parseEnv(schema, { PORT: '9000', REDIS_URL: 'rediss://u:p@cache:6380/2', KEY_NAMESPACE: 'a:', VERBOSE: 'true' }),
    ).toEqual({ PORT: 9000, REDIS_URL: 'rediss://u:p@cache:6380/2', KEY_NAMESPACE: 'a:', VERBOSE: true });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT: expected a whole number'],
    [{ PORT: '70000' }, 'PORT: expected at most 65535'],
    [{ PORT: '1.5' }, 'PORT: expected a whole number'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL: expected redis://'],
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
