// The packages' CommonJS declarations (require), checked by the same strict compile as typed.mts.
import core = require('@feature-store/core');
import client = require('@feature-store/client');
import type { FeatureRegistry } from './features.js';

export function build(url: string, registryPath: string): { store: core.FeatureStore; client: client.FeatureStoreClient<FeatureRegistry> } {
  const store = new core.FeatureStore(core.createRedisClient(url, { lazyConnect: true }), { registry: core.Registry.fromFile(registryPath) });
  return { store, client: new client.FeatureStoreClient<FeatureRegistry>({ baseUrl: 'http://127.0.0.1:8000' }) };
}

// @ts-expect-error not an entity of the registry
export const wrong = (typed: client.FeatureStoreClient<FeatureRegistry>) => typed.get('users', 'x');
