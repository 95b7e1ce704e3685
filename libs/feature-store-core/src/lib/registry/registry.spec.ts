import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FeatureStoreErrorCode } from '../errors';
import { Registry } from './registry';

const SEED_REGISTRY = join(__dirname, '../../../../../registry/features.yaml');

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
      examples: null,
    });
    expect(registry.entity('merchant').idPattern.test('m42')).toBe(true);
    expect(registry.entity('merchant').idMaxLength).toBe(16);
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
