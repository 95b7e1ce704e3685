// Compile-time checks of the client's typing (never run): `nx run feature-store-client:typecheck`
// compiles this file, and each @ts-expect-error fails the check when its line stops being an error.
import type { FeatureRegistry } from '../testing/test-registry';
import { FeatureStoreClient } from './feature-store-client';
import type { EntityFeatures, RegistrySchema } from './schema';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** `expectType<Expected>()(value, true)` compiles only when the value's type is exactly Expected. */
const expectType =
  <Expected>() =>
  <Actual>(_value: Actual, _proof: Equal<Actual, Expected>) =>
    undefined;

// A generated schema is a RegistrySchema.
const isSchema: FeatureRegistry extends RegistrySchema ? true : false = true;
void isSchema;

export async function typedReads(client: FeatureStoreClient<FeatureRegistry>): Promise<void> {
  const user = await client.get('user', 'user00001');
  expectType<
    {
      age: number | null;
      gender: string | null;
      purchase_count_30d: number | null;
      avg_session_duration_min: number | null;
      preferred_category: string | null;
      verified: boolean | null;
      signed_up_at: string | null;
      embedding: number[] | null;
    } | null
  >()(user, true);
  // @ts-expect-error a feature the entity does not have
  void user?.agee;

  const projected = await client.get('user', 'user00001', { features: ['age', 'verified'] });
  expectType<{ age: number | null; verified: boolean | null } | null>()(projected, true);
  // @ts-expect-error a wrong feature name fails to compile
  await client.get('user', 'user00001', { features: ['agee'] });
  // @ts-expect-error an unknown entity
  await client.get('users', 'user00001');
  // @ts-expect-error a driver id is an int
  await client.get('driver', '1001');

  const drivers = await client.getMany('driver', [1001, 1002], { features: ['conv_rate'] });
  expectType<({ conv_rate: number | null } | null)[]>()(drivers, true);
  const customer: Equal<EntityFeatures<FeatureRegistry, 'customer'>, Record<never, never>> = true;
  void customer;
}

export async function typedOnlineFeatures(client: FeatureStoreClient<FeatureRegistry>): Promise<void> {
  const named = await client.getOnlineFeatures({
    rows: [{ driver_id: 1001, customer_id: 'c1' }],
    features: ['driver_hourly_stats:conv_rate', 'driver_customer_stats:trips_together'],
  });
  expectType<[number | null, number | null]>()(named.results[0]!.values, true);
  expectType<{ readonly driver_id: number; readonly customer_id: string }>()(named.results[0]!.key, true);

  const inferred = await client.getOnlineFeatures({ rows: [{ driver_id: 1 }], features: ['driver_hourly_stats:avg_daily_trips'] });
  expectType<[number | null]>()(inferred.results[0]!.values, true);
  // @ts-expect-error a row without the join key the view needs
  await client.getOnlineFeatures({ rows: [{ customer_id: 'c1' }], features: ['driver_hourly_stats:avg_daily_trips'] });
  // @ts-expect-error a feature the view does not have
  await client.getOnlineFeatures({ rows: [{ driver_id: 1 }], features: ['driver_hourly_stats:age'] });

  const service = await client.getOnlineFeatures({ rows: [{ driver_id: 1001, customer_id: 'c1' }], featureService: 'driver_ranking' });
  expectType<[number | null, number | null, number | null, number | null]>()(service.results[0]!.values, true);
  // @ts-expect-error a feature service needs every join key of its views
  await client.getOnlineFeatures({ rows: [{ driver_id: 1001 }], featureService: 'driver_ranking' });
  // @ts-expect-error an unknown feature service
  await client.getOnlineFeatures({ rows: [{ driver_id: 1001 }], featureService: 'driver_rankin' });
}

export async function typedPushes(client: FeatureStoreClient<FeatureRegistry>): Promise<void> {
  await client.push('user_features', [{ id: 'user00001', eventTime: new Date(), features: { age: 35, gender: null } }]);
  await client.push('user_profile', [{ id: { user_id: 'u1' }, features: { signed_up_at: Date.now(), embedding: [0.5, 1, 2] } }]);
  await client.push('driver_customer_stats', [{ id: { driver_id: 1001, customer_id: 'c1' }, eventTime: '2026-01-01T00:00:00Z', features: { trips_together: 3 } }]);
  // @ts-expect-error a composite key needs every join key
  await client.push('driver_customer_stats', [{ id: { driver_id: 1001 }, features: { trips_together: 3 } }]);
  // @ts-expect-error a value of the wrong type
  await client.push('user_features', [{ id: 'user00001', features: { age: '35' } }]);
  // @ts-expect-error a feature of another view
  await client.push('user_features', [{ id: 'user00001', features: { verified: true } }]);
}

export async function untypedClient(client: FeatureStoreClient): Promise<void> {
  const any = await client.get('whatever', 42, { features: ['x'] });
  expectType<{ x: string | number | boolean | number[] | null } | null>()(any, true);
  const rows = await client.getOnlineFeatures({ rows: [{ id: 1 }], features: ['v:f'] });
  expectType<[string | number | boolean | number[] | null]>()(rows.results[0]!.values, true);
  await client.push('any_view', [{ id: { a: 1, b: 'x' }, features: { f: [1, 2] } }]);
}
