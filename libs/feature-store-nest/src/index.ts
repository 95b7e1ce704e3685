export { FeatureStoreModule, type FeatureStoreModuleOptions, REDIS_CLIENT } from './feature-store.module';
export { LOG_LEVELS, type PinoLevel, PinoLoggerService } from './pino-logger';
