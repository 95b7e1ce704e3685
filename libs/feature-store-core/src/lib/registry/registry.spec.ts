import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FeatureStoreErrorCode } from '../errors';
import { Registry } from './registry';

const REGISTRIES = join(__dirname, '../../../../../registry');
const SEED_REGISTRY = join(REGISTRIES, 'features.yaml');
const EXAMPLES = readdirSync(join(REGISTRIES, 'examples')).map((file) => `examples/${file}`);

const valid = () => ({
  entities: { user: {}, merchant: { id: { pattern: '^m[0-9]+$', max_length: 16 } }, device: { ttl: '30d' } },
  views: {
    user_profile: { entity: 'user', max_age: '7d', features: { age: 'int', embedding: { type: 'float_vector', dimension: 4 } } },
    user_activity: { entity: 'user', max_age: 3600, event_time_field: '_ta', features: { clicks_1h: 'int', last_seen: 'timestamp' } },
    merchant_risk: { entity: 'merchant', features: { risk: 'float', blocked: 'bool', country: 'string' } },
    device_health: { entity: 'device', max_age: '1d', features: { battery: 'float' } },
  },
});

describe('Registry', () => {
  it.each(['features.yaml', ...EXAMPLES])('loads registry/%s, as the stack does with REGISTRY_PATH', (file) => {
    expect(Registry.fromFile(join(REGISTRIES, file)).views.length).toBeGreaterThan(0);
  });

  it('reproduces the seed service with the default registry file', () => {
    const registry = Registry.fromFile(SEED_REGISTRY);
    const user = registry.entity('user');
    expect(user.features.map((feature) => [feature.name, feature.type])).toEqual([
      ['age', 'int'],
      ['gender', 'string'],
      ['purchase_count_30d', 'int'],
      ['avg_session_duration_min', 'float'],
      ['preferred_category', 'string'],
    ]);
    expect(user.idMaxLength).toBe(128);
    expect(user.idPattern.test('user00042')).toBe(true);
    expect(user.idPattern.test('user 42')).toBe(false);
    expect(registry.view('user_features').maxAgeMs).toBeNull();
  });

  it('normalises entities, views, types and durations', () => {
    const registry = Registry.fromObject(valid());
    expect(registry.entities.map((entity) => entity.name)).toEqual(['user', 'merchant', 'device']);
    expect(registry.entity('device').ttlMs).toBe(30 * 86_400_000);
    expect(registry.entity('user').ttlMs).toBeNull();
    expect(registry.entity('user').views.map((view) => view.name)).toEqual(['user_profile', 'user_activity']);
    expect(registry.entity('user').features.map((feature) => feature.name)).toEqual([
      'age',
      'embedding',
      'clicks_1h',
      'last_seen',
    ]);
    expect(registry.view('user_profile').maxAgeMs).toBe(7 * 86_400_000);
    expect(registry.view('user_activity').maxAgeMs).toBe(3_600_000);
    expect(registry.view('user_profile').eventTimeField).toBe('_ts:user_profile');
    expect(registry.view('user_activity').eventTimeField).toBe('_ta');
    expect(registry.view('user_profile').features[1]).toEqual({
      name: 'embedding',
      type: 'float_vector',
      view: 'user_profile',
      dimension: 4,
      maxLength: null,
      examples: null,
      description: null,
    });
    expect(registry.entity('merchant').idPattern.test('m42')).toBe(true);
    expect(registry.entity('merchant').idMaxLength).toBe(16);
  });

  it('declares join keys: <entity>_id, a string, by default; named and typed when given', () => {
    const registry = Registry.fromObject({
      entities: { user: {}, driver: { join_key: { name: 'driver_id', type: 'int' } }, customer: { join_key: 'cust' } },
      views: { driver_stats: { entity: 'driver', features: { trips: 'int' } } },
    });
    expect(['user', 'driver', 'customer'].map((name) => [registry.entity(name).joinKey, registry.entity(name).joinKeyType])).toEqual([
      ['user_id', 'string'],
      ['driver_id', 'int'],
      ['cust', 'string'],
    ]);
  });

  it('keys views by several entities, feature services and push sources as declared', () => {
    const registry = Registry.fromFile(join(__dirname, '../../../../../registry/examples/feast-driver.yaml'));
    const pair = registry.view('driver_customer_stats');
    expect([pair.entity, pair.entities]).toEqual(['driver+customer', ['driver', 'customer']]);
    expect(registry.keySpace('driver+customer').entities.map((entity) => entity.joinKey)).toEqual(['driver_id', 'customer_id']);
    expect(registry.keySpaces.map((space) => space.name)).toEqual(['driver', 'driver+customer']);
    const service = registry.featureService('driver_activity');
    expect(service.features.map(({ view, feature }) => `${view.name}:${feature.name}`)).toEqual([
      'driver_hourly_stats:conv_rate',
      'driver_hourly_stats:acc_rate',
      'driver_hourly_stats:avg_daily_trips',
    ]);
    expect(registry.pushSource('driver_stats_push_source').view).toBe('driver_hourly_stats');
    expect(registry.feature('driver_customer_stats:trips_together').space.name).toBe('driver+customer');
    expect(registry.view('driver_hourly_stats').maxAgeMs).toBe(86_400_000);
  });

  it('declares a near-cache per view, off by default, the same for every view of an entity', () => {
    const file = valid();
    (file.views.user_profile as Record<string, unknown>)['near_cache'] = { max_entries: 5_000 };
    (file.views.user_activity as Record<string, unknown>)['near_cache'] = { max_entries: 5_000 };
    const registry = Registry.fromObject(file);
    expect(registry.view('user_profile').nearCache).toEqual({ maxEntries: 5_000 });
    expect(registry.entity('user').nearCache).toEqual({ maxEntries: 5_000 });
    expect(registry.view('merchant_risk').nearCache).toBeNull();
    expect(registry.entity('merchant').nearCache).toBeNull();
    expect(Registry.fromFile(SEED_REGISTRY).entity('user').nearCache).toBeNull();
  });

  it('has an example registry that is the default one with the near-cache on, for the bench to compare', () => {
    const plain = Registry.fromFile(SEED_REGISTRY);
    const cached = Registry.fromFile(join(__dirname, '../../../../../registry/examples/near-cache.yaml'));
    const shape = (registry: Registry) => ({
      views: registry.views.map(({ name, entity, maxAgeMs, eventTimeField, features }) => ({ name, entity, maxAgeMs, eventTimeField, features })),
      entities: registry.entities.map(({ name, joinKey, joinKeyType, idPattern, idMaxLength, ttlMs }) => ({ name, joinKey, joinKeyType, idPattern, idMaxLength, ttlMs })),
    });
    expect(shape(cached)).toEqual(shape(plain));
    expect(cached.entity('user').nearCache).not.toBeNull();
  });

  it.each([
    ['a feature service', (r: Registry) => r.featureService('nope'), FeatureStoreErrorCode.UnknownFeatureService, 'Unknown feature service "nope"'],
    ['a push source', (r: Registry) => r.pushSource('nope'), FeatureStoreErrorCode.UnknownPushSource, 'Unknown push source "nope"'],
    ['a feature reference without a view', (r: Registry) => r.feature('conv_rate'), FeatureStoreErrorCode.UnknownFeature, 'expected "view:feature"'],
    ['a feature of a known view', (r: Registry) => r.feature('driver_hourly_stats:nope'), FeatureStoreErrorCode.UnknownFeature, 'Unknown feature "nope" of view "driver_hourly_stats"'],
    ['a feature of an unknown view', (r: Registry) => r.feature('nope:x'), FeatureStoreErrorCode.UnknownView, 'Unknown feature view "nope"'],
  ])('throws for %s that is not declared, naming it', (_, ask, code, message) => {
    const registry = Registry.fromFile(join(__dirname, '../../../../../registry/examples/feast-driver.yaml'));
    expect(() => ask(registry)).toThrow(expect.objectContaining({ code }));
    expect(() => ask(registry)).toThrow(message);
  });

  it('throws UNKNOWN_ENTITY and UNKNOWN_VIEW naming what was asked', () => {
    const registry = Registry.fromObject(valid());
    expect(() => registry.entity('order')).toThrow(
      expect.objectContaining({ code: FeatureStoreErrorCode.UnknownEntity, message: 'Unknown entity "order"' }),
    );
    expect(() => registry.view('nope')).toThrow(
      expect.objectContaining({ code: FeatureStoreErrorCode.UnknownView, message: 'Unknown feature view "nope"' }),
    );
  });

  it.each<[string, (file: ReturnType<typeof valid>) => unknown, string]>([
    ['an unknown type', (f) => ((f.views.user_profile.features as Record<string, unknown>)['age'] = 'integer'), 'views.user_profile.features.age'],
    ['an unknown entity', (f) => (f.views.merchant_risk.entity = 'shop'), 'views.merchant_risk.entity: unknown entity "shop"'],
    ['a duplicate feature', (f) => ((f.views.user_activity.features as Record<string, unknown>)['age'] = 'int'), 'views.user_activity.features.age: already declared by view "user_profile"'],
    ['a bad feature name', (f) => ((f.views.merchant_risk.features as Record<string, unknown>)['Risk-Score'] = 'float'), 'views.merchant_risk.features.Risk-Score'],
    ['a bad max age', (f) => ((f.views.user_profile as Record<string, unknown>)['max_age'] = '7 days'), 'views.user_profile.max_age'],
    ['an empty view', (f) => ((f.views.merchant_risk as Record<string, unknown>)['features'] = {}), 'views.merchant_risk.features: a view declares at least one feature'],
    ['an unknown key', (f) => ((f.entities.user as Record<string, unknown>)['expire'] = 5), 'entities.user'],
    ['a bad id pattern', (f) => (f.entities.merchant.id.pattern = '(['), 'entities.merchant.id.pattern'],
    ['an example of the wrong type', (f) => ((f.views.merchant_risk.features as Record<string, unknown>)['country'] = { type: 'string', examples: ['FR', 7] }), 'views.merchant_risk.features.country.examples.1: Feature "country" (string): expected a string'],
    ['a ttl shorter than a max age', (f) => (f.views.device_health.max_age = '31d'), 'views.device_health.max_age: entity "device" has a ttl'],
    ['an event-time field that could be a feature', (f) => ((f.views.user_activity as Record<string, unknown>)['event_time_field'] = 'ts'), 'views.user_activity.event_time_field'],
    ['two views sharing an event-time field', (f) => ((f.views.user_profile as Record<string, unknown>)['event_time_field'] = '_ta'), 'views.user_activity.event_time_field: "_ta" is already the event-time field of view "user_profile"'],
    ['a dimension on a scalar', (f) => ((f.views.merchant_risk.features as Record<string, unknown>)['risk'] = { type: 'float', dimension: 3 }), 'views.merchant_risk.features.risk.dimension'],
    ['a max_length on a number', (f) => ((f.views.merchant_risk.features as Record<string, unknown>)['risk'] = { type: 'float', max_length: 3 }), 'views.merchant_risk.features.risk.max_length: only a string'],
    ['both entity and entities', (f) => ((f.views.merchant_risk as Record<string, unknown>)['entities'] = ['merchant']), 'views.merchant_risk: a view declares either `entity` or `entities`'],
    ['an unknown entity of a composite key', (f) => ((f.views as Record<string, unknown>)['pair'] = { entities: ['user', 'shop'], features: { n: 'int' } }), 'views.pair.entities: unknown entity "shop"'],
    ['an entity twice in a key', (f) => ((f.views as Record<string, unknown>)['pair'] = { entities: ['user', 'user'], features: { n: 'int' } }), 'views.pair.entities: an entity appears more than once'],
    ['a feature named as a join key', (f) => ((f.views.merchant_risk.features as Record<string, unknown>)['merchant_id'] = 'string'), 'views.merchant_risk.features.merchant_id: a feature cannot take the name of its view\'s join key'],
    ['a join key shared by two entities', (f) => ((f.entities.device as Record<string, unknown>)['join_key'] = 'user_id'), 'entities.device.join_key: "user_id" is already the join key of entity "user"'],
    ['a bad join key type', (f) => ((f.entities.device as Record<string, unknown>)['join_key'] = { name: 'device_id', type: 'uuid' }), 'entities.device.join_key'],
    ['a feature service of an unknown view', (f) => ((f as Record<string, unknown>)['feature_services'] = { s: { features: ['nope:x'] } }), 'feature_services.s.features.0: unknown view "nope"'],
    ['a feature service of an unknown feature', (f) => ((f as Record<string, unknown>)['feature_services'] = { s: { features: ['merchant_risk:x'] } }), 'feature_services.s.features.0: view "merchant_risk" has no feature "x"'],
    ['a feature listed twice by a service', (f) => ((f as Record<string, unknown>)['feature_services'] = { s: { features: ['merchant_risk', 'merchant_risk:risk'] } }), 'feature_services.s.features.1: "merchant_risk:risk" is listed twice'],
    ['a near-cache on one view of an entity only', (f) => ((f.views.user_activity as Record<string, unknown>)['near_cache'] = { max_entries: 10 }), 'views.user_activity.near_cache: view "user_profile" of the same entity "user" declares none'],
    ['a near-cache without a size', (f) => ((f.views.merchant_risk as Record<string, unknown>)['near_cache'] = {}), 'views.merchant_risk.near_cache.max_entries'],
    ['a near-cache of no entries', (f) => ((f.views.merchant_risk as Record<string, unknown>)['near_cache'] = { max_entries: 0 }), 'views.merchant_risk.near_cache.max_entries'],
    ['a push source of an unknown view', (f) => ((f as Record<string, unknown>)['push_sources'] = { p: 'nope' }), 'push_sources.p.view: unknown view "nope"'],
  ])('rejects %s, naming the entry', (_, mutate, expected) => {
    const file = valid();
    mutate(file);
    let error: unknown;
    try {
      Registry.fromObject(file, 'test.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: FeatureStoreErrorCode.InvalidRegistry });
    expect((error as Error).message).toContain('Invalid registry test.yaml');
    expect((error as Error).message).toContain(expected);
  });

  it('reports an unreadable or unparsable file with its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-'));
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'entities: [unclosed');
    expect(() => Registry.fromFile(broken)).toThrow(`Cannot load registry ${broken}`);
    expect(() => Registry.fromFile(join(dir, 'missing.yaml'))).toThrow(
      expect.objectContaining({ code: FeatureStoreErrorCode.InvalidRegistry }),
    );
  });

  it('reads JSON registries too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-'));
    const path = join(dir, 'registry.json');
    writeFileSync(path, JSON.stringify(valid()));
    expect(Registry.fromFile(path).view('merchant_risk').entity).toBe('merchant');
  });
});
