export { ALL_ENV, API_ENV, COMPOSE_ENV, INGESTOR_ENV, LOG_LEVELS, type LogLevel, START_ENV } from './app-env';
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
export { type EnvDefinition, type EnvValues, type EnvVariable, defaultText, defineEnv, envExample, markdownTable, variable } from './env-definition';
