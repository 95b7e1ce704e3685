export { type KeyDeleter, deleteNamespace, uniqueNamespace } from './namespace';
export { type TestRedis, freePort, redisForTests, spawnRedisServer } from './redis-server';
