export {
  ConfigError,
  type EnvSchema,
  envBool,
  envInt,
  envNamespace,
  envOptionalInt,
  envRedisClusterNodes,
  envRedisUrl,
  parseEnv,
  redisDurability,
  redisEnv,
  redisTarget,
} from './env';
