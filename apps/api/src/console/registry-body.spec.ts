import { Registry } from '@feature-store/core';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import fastJson from 'fast-json-stringify';
import { join } from 'node:path';
import type { JsonSchema } from '../http/route';
import { REGISTRY_BODY, registryBody } from './registry-body';

const REGISTRY = join(__dirname, '../../../../registry');
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));

/** The body as the route writes it: fast-json-stringify from the schema drops what the schema does not list. */
const written = (schema: JsonSchema, body: unknown) => JSON.parse(fastJson(schema as object as Parameters<typeof fastJson>[0])(body));

describe('registryBody', () => {
  const feast = registryBody(Registry.fromFile(join(REGISTRY, 'examples/feast-driver.yaml')));

  it('lists entities with their join keys, key spaces, views with typed features, services and push sources', () => {
    expect(feast.entities).toEqual([
      { name: 'driver', description: 'A driver of the ride-hailing service.', join_key: { name: 'driver_id', type: 'int' }, id_pattern: null, id_max_length: null, ttl_seconds: null },
      {
        name: 'customer',
        description: 'A customer of the service.',
        join_key: { name: 'customer_id', type: 'string' },
        id_pattern: '^[\\x21-\\x7E]+$',
        id_max_length: 128,
        ttl_seconds: null,
      },
    ]);
    expect(feast.key_spaces).toEqual([
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
    ]);
    const [hourly, together] = feast.views;
    expect(hourly).toMatchObject({ name: 'driver_hourly_stats', key_space: 'driver', max_age_seconds: 86_400, description: 'Hourly statistics of each driver.' });
    expect(hourly!.features[0]).toEqual({
      name: 'conv_rate',
      type: 'float',
      description: 'Share of offers the driver converted',
      dimension: null,
      max_length: null,
      examples: [0.2, 0.45, 0.61, 0.78, 0.93],
    });
    expect(together).toMatchObject({ key_space: 'driver+customer', entities: ['driver', 'customer'], max_age_seconds: null });
    expect(together!.join_keys.map(({ name }) => name)).toEqual(['driver_id', 'customer_id']);
    expect(feast.feature_services).toEqual([
      {
        name: 'driver_activity',
        version: 1,
        description: 'The features the driver ranking model (v1) was trained on.',
        features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:acc_rate', 'driver_hourly_stats:avg_daily_trips'],
        join_keys: [{ name: 'driver_id', type: 'int' }],
      },
    ]);
    expect(feast.push_sources).toEqual([
      { name: 'driver_stats_push_source', view: 'driver_hourly_stats', description: 'Pushes of fresh driver statistics.' },
      { name: 'driver_customer_push_source', view: 'driver_customer_stats', description: null },
    ]);
  });

  it.each([
    ['the default registry', 'features.yaml'],
    ['the Feast example', 'examples/feast-driver.yaml'],
  ])('is written whole and valid by its schema: %s', (_, file) => {
    const body = registryBody(Registry.fromFile(join(REGISTRY, file)));
    expect(written(REGISTRY_BODY, body)).toEqual(body);
    expect(ajv.validate(REGISTRY_BODY, body) ? [] : ajv.errors).toEqual([]);
  });
});
