import { FEAST_REGISTRY } from '../testing/feast-registry';
import { searchRegistry } from './registry-search';

const names = (matches: ReturnType<typeof searchRegistry>) => ({
  entities: matches.entities.map(({ name }) => name),
  views: matches.views.map(({ name, features }) => `${name}(${features.map((feature) => feature.name).join(',')})`),
  services: matches.featureServices.map(({ name }) => name),
  pushSources: matches.pushSources.map(({ name }) => name),
});

describe('searchRegistry', () => {
  it('keeps everything for an empty query', () => {
    expect(names(searchRegistry(FEAST_REGISTRY, '  '))).toEqual({
      entities: ['driver', 'customer'],
      views: ['driver_hourly_stats(conv_rate,acc_rate,avg_daily_trips)', 'driver_customer_stats(trips_together)'],
      services: ['driver_activity'],
      pushSources: ['driver_stats_push_source', 'driver_customer_push_source'],
    });
  });

  it.each([
    [
      'a view by name, with all its features, and what refers to it',
      'HOURLY',
      { views: ['driver_hourly_stats(conv_rate,acc_rate,avg_daily_trips)'], services: ['driver_activity'], pushSources: ['driver_stats_push_source'] },
    ],
    ['a feature by name keeps its view with that feature', 'acc_rate', { views: ['driver_hourly_stats(acc_rate)'], services: ['driver_activity'] }],
    ['a feature by description', 'offers converted', { views: ['driver_hourly_stats(conv_rate)'] }],
    ['a type', 'float', { views: ['driver_hourly_stats(conv_rate,acc_rate)'] }],
    ['a join key finds the entity and the views keyed by it', 'customer_id', { entities: ['customer'], views: ['driver_customer_stats(trips_together)'] }],
    ['a push source by its view', 'driver_customer_stats', { views: ['driver_customer_stats(trips_together)'], pushSources: ['driver_customer_push_source'] }],
    ['nothing', 'no such thing', {}],
  ])('finds %s', (_, query, expected) => {
    expect(names(searchRegistry(FEAST_REGISTRY, query))).toEqual({ entities: [], views: [], services: [], pushSources: [], ...expected });
  });
});
