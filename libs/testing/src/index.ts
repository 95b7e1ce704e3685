export { type ClusterKeyDeleter, type KeyDeleter, deleteNamespace, namespaceKeys, uniqueNamespace } from './namespace';
export {
  type SpawnOptions,
  type SpawnedRedis,
  type TestRedis,
  freePort,
  redisForTests,
  singleNodeEnv,
  spawnRedisServer,
} from './redis-server';
export { eventually } from './eventually';
