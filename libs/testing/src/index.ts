export { type KeyDeleter, deleteNamespace, uniqueNamespace } from './namespace';
export { type SpawnOptions, type SpawnedRedis, type TestRedis, freePort, redisForTests, spawnRedisServer } from './redis-server';
export { eventually } from './eventually';
