import { type FeatureDefinition, type FeatureType, Registry } from '@feature-store/core';
import { join } from 'node:path';
import { randomFeatures, randomValue, simulatedId } from './value-generator';

const feature = (type: FeatureType, extra: Partial<FeatureDefinition> = {}): FeatureDefinition => ({
  name: 'f',
  type,
  view: 'v',
  dimension: null,
  maxLength: null,
  examples: null,
  description: null,
  ...extra,
});

/** A deterministic sequence in [0, 1). */
const sequence = (...values: number[]) => {
  let index = 0;
  return () => values[index++ % values.length]!;
};

describe('simulated values', () => {
  it.each<[FeatureType, (value: unknown) => boolean]>([
    ['int', (value) => Number.isSafeInteger(value)],
    ['float', (value) => typeof value === 'number' && Number.isFinite(value)],
    ['string', (value) => typeof value === 'string' && value.length > 0],
    ['bool', (value) => typeof value === 'boolean'],
    ['timestamp', (value) => typeof value === 'string' && !Number.isNaN(Date.parse(value))],
    ['float_vector', (value) => Array.isArray(value) && value.length === 8 && value.every(Number.isFinite)],
  ])('draws a %s of the declared type', (type, fits) => {
    for (const draw of [0, 0.5, 0.999]) {
      expect(fits(randomValue(feature(type), sequence(draw)))).toBe(true);
    }
  });

  it('honours a vector dimension and declared examples', () => {
    expect(randomValue(feature('float_vector', { dimension: 3 }), sequence(0.2))).toHaveLength(3);
    expect(randomValue(feature('string', { examples: ['M', 'F'] }), sequence(0.7))).toBe('F');
    expect(randomValue(feature('int', { examples: [18, 21] }), sequence(0))).toBe(18);
  });

  it('fills every feature of the default view with an allowed value', () => {
    const registry = Registry.fromFile(join(__dirname, '../../../../registry/features.yaml'));
    const view = registry.view('user_features');
    const features = randomFeatures(view.features, sequence(0.3, 0.9));
    expect(Object.keys(features)).toEqual(view.features.map((definition) => definition.name));
    expect(['M', 'F']).toContain(features['gender']);
  });

  it.each([
    ['user', 0, 100_000, 'user00000'],
    ['user', 99_999, 100_000, 'user99999'],
    ['user', 7, 10, 'user00007'],
    ['user', 123_456, 1_000_000, 'user123456'],
    ['merchant', 5, 1, 'merchant00005'],
  ])('formats ids like the seed: %s #%i of %i -> %s', (entity, index, count, id) => {
    expect(simulatedId(entity, index, count)).toBe(id);
  });
});
