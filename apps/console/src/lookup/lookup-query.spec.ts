import { FEAST_REGISTRY } from '../testing/feast-registry';
import { entityRows, featureReadRequest, linkIds, linkTarget, lookupSearch, splitIds, targetJoinKeys } from './lookup-query';

const USER = [{ name: 'user_id', type: 'string' as const }];
const DRIVER_CUSTOMER = [
  { name: 'driver_id', type: 'int' as const },
  { name: 'customer_id', type: 'string' as const },
];

describe('links of lookups', () => {
  it('reads the issue\'s link: an entity and its ids', () => {
    const params = new URLSearchParams('entity=user&ids=user00001,user00002');
    expect(linkTarget(params)).toEqual({ kind: 'entity', name: 'user' });
    expect(linkIds(params, USER)).toEqual([['user00001', 'user00002']]);
  });

  it('writes links that read back the same, commas kept readable', () => {
    const search = lookupSearch({ kind: 'entity', name: 'user' }, USER, [['user00001', 'user00002']]);
    expect(search).toBe('entity=user&ids=user00001,user00002');
    const composite = lookupSearch({ kind: 'entity', name: 'driver+customer' }, DRIVER_CUSTOMER, [['1001', '1002'], ['c/1', 'c&2']]);
    expect(composite).toBe('entity=driver%2Bcustomer&driver_id=1001,1002&customer_id=c%2F1,c%262');
    const params = new URLSearchParams(composite);
    expect(linkTarget(params)).toEqual({ kind: 'entity', name: 'driver+customer' });
    expect(linkIds(params, DRIVER_CUSTOMER)).toEqual([['1001', '1002'], ['c/1', 'c&2']]);
    expect(linkTarget(new URLSearchParams(lookupSearch({ kind: 'service', name: 'driver_activity' }, [], [])))).toEqual({ kind: 'service', name: 'driver_activity' });
  });

  it('takes ids separated by commas, spaces or new lines', () => {
    expect(splitIds(' a, b  c\nd,,')).toEqual(['a', 'b', 'c', 'd']);
    expect(linkTarget(new URLSearchParams(''))).toBeNull();
  });
});

describe('entityRows', () => {
  it('types each join key as the registry declares: an int key as a number', () => {
    expect(entityRows(DRIVER_CUSTOMER, [['1001', '-2'], ['c1', 'c2']])).toEqual({
      rows: [
        { driver_id: 1001, customer_id: 'c1' },
        { driver_id: -2, customer_id: 'c2' },
      ],
    });
    expect(entityRows(USER, [['007']])).toEqual({ rows: [{ user_id: '007' }] });
  });

  it.each([
    ['no ids', USER, [[]], ['user_id: enter at least one id']],
    ['lists of different lengths', DRIVER_CUSTOMER, [['1', '2'], ['c1']], ['each join key needs as many ids (driver_id: 2, customer_id: 1)']],
    ['ids that are not integers', DRIVER_CUSTOMER, [['1.5', 'x', '9007199254740993'], ['a', 'b', 'c']], ['driver_id: "1.5", "x", "9007199254740993" are not integers']],
  ])('names what is wrong: %s', (_, joinKeys, ids, problems) => {
    expect(entityRows(joinKeys, ids)).toEqual({ problems });
  });
});

describe('featureReadRequest', () => {
  it('reads every feature of the views of an entity, or of a composite key', () => {
    expect(featureReadRequest(FEAST_REGISTRY, { kind: 'entity', name: 'driver' }, [{ driver_id: 1001 }])).toEqual({
      rows: [{ driver_id: 1001 }],
      features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:acc_rate', 'driver_hourly_stats:avg_daily_trips'],
    });
    expect(featureReadRequest(FEAST_REGISTRY, { kind: 'entity', name: 'driver+customer' }, [])).toMatchObject({ features: ['driver_customer_stats:trips_together'] });
  });

  it('names a feature service instead', () => {
    expect(featureReadRequest(FEAST_REGISTRY, { kind: 'service', name: 'driver_activity' }, [{ driver_id: 1 }])).toEqual({
      rows: [{ driver_id: 1 }],
      feature_service: 'driver_activity',
    });
  });

  it('knows the join keys of each target, and none of a target the registry lacks', () => {
    expect(targetJoinKeys(FEAST_REGISTRY, { kind: 'service', name: 'driver_activity' })).toEqual([{ name: 'driver_id', type: 'int' }]);
    expect(targetJoinKeys(FEAST_REGISTRY, { kind: 'entity', name: 'driver+customer' })).toEqual(DRIVER_CUSTOMER);
    expect(targetJoinKeys(FEAST_REGISTRY, { kind: 'entity', name: 'user' })).toBeNull();
  });
});
