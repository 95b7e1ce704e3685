export { ConfigError, type EnvSchema, envBool, envInt, envNamespace, envRedisUrl, parseEnv } from './env';
