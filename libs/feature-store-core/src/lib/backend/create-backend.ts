import type { Cluster, Redis } from 'ioredis';
import { createKeySchema } from '../keys/key-schema';
import type { RedisClient } from '../redis/create-redis-client';
import type { Backend } from './backend';
import { ClusterBackend } from './cluster-backend';
import type { Durability } from './redis-backend';
import { SingleServerBackend } from './single-server-backend';

/** The backend of a client's topology: the one place that tells a cluster from a single server. */
export function createBackend(redis: RedisClient, namespace: string, durability: Durability | undefined): Backend {
  return redis.isCluster
    ? new ClusterBackend(redis as Cluster, createKeySchema(namespace, { cluster: true }), durability)
    : new SingleServerBackend(redis as Redis, createKeySchema(namespace), durability);
}
