import type { RegistryBody } from '../api/api-types';

const feature = (name: string, type: string, description: string | null = null) => ({ name, type, description, dimension: null, max_length: null, examples: null });

/** The Feast driver example, as GET /v1/registry answers it (registry/examples/feast-driver.yaml). */
export const FEAST_REGISTRY: RegistryBody = {
  entities: [
    { name: 'driver', description: 'A driver of the ride-hailing service.', join_key: { name: 'driver_id', type: 'int' }, id_pattern: null, id_max_length: null, ttl_seconds: null },
    { name: 'customer', description: 'A customer of the service.', join_key: { name: 'customer_id', type: 'string' }, id_pattern: '^[\\x21-\\x7E]+$', id_max_length: 128, ttl_seconds: null },
  ],
  key_spaces: [
    { name: 'driver', entities: ['driver'], join_keys: [{ name: 'driver_id', type: 'int' }], views: ['driver_hourly_stats'] },
    {
      name: 'driver+customer',
      entities: ['driver', 'customer'],
      join_keys: [
        { name: 'driver_id', type: 'int' },
        { name: 'customer_id', type: 'string' },
      ],
      views: ['driver_customer_stats'],
    },
  ],
  views: [
    {
      name: 'driver_hourly_stats',
      key_space: 'driver',
      entities: ['driver'],
      join_keys: [{ name: 'driver_id', type: 'int' }],
      description: 'Hourly statistics of each driver.',
      max_age_seconds: 86_400,
      event_time_field: '_ts:driver_hourly_stats',
      features: [
        feature('conv_rate', 'float', 'Share of offers the driver converted'),
        feature('acc_rate', 'float', 'Share of offers the driver accepted'),
        feature('avg_daily_trips', 'int', 'Trips a day on average'),
      ],
    },
    {
      name: 'driver_customer_stats',
      key_space: 'driver+customer',
      entities: ['driver', 'customer'],
      join_keys: [
        { name: 'driver_id', type: 'int' },
        { name: 'customer_id', type: 'string' },
      ],
      description: 'What each driver and customer did together.',
      max_age_seconds: null,
      event_time_field: '_ts:driver_customer_stats',
      features: [feature('trips_together', 'int')],
    },
  ],
  feature_services: [
    {
      name: 'driver_activity',
      version: 1,
      description: 'The features the driver ranking model (v1) was trained on.',
      features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:acc_rate', 'driver_hourly_stats:avg_daily_trips'],
      join_keys: [{ name: 'driver_id', type: 'int' }],
    },
  ],
  push_sources: [
    { name: 'driver_stats_push_source', view: 'driver_hourly_stats', description: 'Pushes of fresh driver statistics.' },
    { name: 'driver_customer_push_source', view: 'driver_customer_stats', description: null },
  ],
};
