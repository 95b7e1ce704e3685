import type { EntityKey, FeatureDefinition, JoinKeyValue, KeySpaceDefinition } from '@feature-store/core';

const WORDS = ['electronics', 'books', 'fashion', 'home', 'sports', 'beauty', 'toys', 'grocery'];
const YEAR_MS = 365 * 86_400_000;

/** A source of numbers in [0, 1); Math.random by default, seeded in tests. */
export type Random = () => number;

/**
 * A plausible value for simulated traffic: one of the feature's declared examples when it has
 * some, else a random value of its declared type.
 */
export function randomValue(feature: FeatureDefinition, random: Random = Math.random, now = Date.now()): unknown {
  if (feature.examples !== null) return feature.examples[Math.floor(random() * feature.examples.length)];
  switch (feature.type) {
    case 'int':
      return Math.floor(random() * 100);
    case 'float':
      return Math.round(random() * 10_000) / 100;
    case 'string':
      return WORDS[Math.floor(random() * WORDS.length)] ?? WORDS[0]!;
    case 'bool':
      return random() < 0.5;
    case 'timestamp':
      return new Date(now - Math.floor(random() * YEAR_MS)).toISOString();
    case 'float_vector':
      return Array.from({ length: feature.dimension ?? 8 }, () => Math.round((random() * 2 - 1) * 1_000) / 1_000);
  }
}

/** Every feature of a view with a random value. */
export function randomFeatures(
  features: readonly FeatureDefinition[],
  random: Random = Math.random,
  now = Date.now(),
): Record<string, unknown> {
  return Object.fromEntries(features.map((feature) => [feature.name, randomValue(feature, random, now)]));
}

/** The seed's id format: the entity name and a zero-padded index ("user00042"), 5 digits at least. */
export function simulatedId(entity: string, index: number, count: number): string {
  const width = Math.max(5, String(Math.max(count - 1, 0)).length);
  return `${entity}${String(index).padStart(width, '0')}`;
}

/**
 * The simulator's key number `index` of a key space: for a string id, `simulatedId`; for an int
 * id, the number itself; for a composite key, each entity's id of that number, by join key.
 */
export function simulatedKey(space: KeySpaceDefinition, index: number, count: number): EntityKey {
  const ids = space.entities.map((entity): JoinKeyValue => (entity.joinKeyType === 'int' ? index : simulatedId(entity.name, index, count)));
  if (ids.length === 1) return ids[0]!;
  return Object.fromEntries(space.entities.map((entity, position) => [entity.joinKey, ids[position]!]));
}
