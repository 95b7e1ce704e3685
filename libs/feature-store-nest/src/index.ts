export { FeatureStoreModule, type FeatureStoreModuleOptions, REDIS_CLIENT } from './feature-store.module';
export { type PinoLevel, PinoLoggerService } from './pino-logger';
