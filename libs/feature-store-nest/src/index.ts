export { FeatureStoreModule, type FeatureStoreModuleOptions, REDIS_CLIENT } from './feature-store.module';
