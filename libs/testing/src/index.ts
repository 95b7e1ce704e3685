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
export { type ClusterNode, type SpawnedCluster, spawnRedisCluster } from './redis-cluster';
export { eventually } from './eventually';
export { type MasterConnection, moveSlot } from './move-slot';
