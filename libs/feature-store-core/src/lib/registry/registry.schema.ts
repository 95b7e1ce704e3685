import { z } from 'zod';
import { FEATURE_TYPES, JOIN_KEY_TYPES } from './registry.types';

const NAME = /^[a-z][a-z0-9_]*$/;
const name = (what: string) =>
  z.string().regex(NAME, `${what} names use lower-case letters, digits and underscores, starting with a letter`);

/** Either a whole number of seconds or a duration such as `90s`, `15m`, `12h`, `7d`. */
const duration = z.union([
  z.number().int().positive(),
  z.string().regex(/^\d+(s|m|h|d)$/, 'a duration is a whole number followed by s, m, h or d (e.g. 7d)'),
]);

const featureType = z.enum(FEATURE_TYPES);

const featureSpec = z.union([
  featureType,
  z.strictObject({
    type: featureType,
    dimension: z.number().int().positive().max(4_096).optional(),
    /** For strings: the longest value a write may store (UTF-16 code units). */
    max_length: z.number().int().positive().max(16_777_216).optional(),
    description: z.string().optional(),
    /** Typical values; simulators draw from them. Each must fit the declared type. */
    examples: z.array(z.unknown()).min(1).optional(),
  }),
]);

const joinKeySpec = z.union([
  name('join key'),
  z.strictObject({ name: name('join key'), type: z.enum(JOIN_KEY_TYPES).default('string') }),
]);

const entitySpec = z.strictObject({
  description: z.string().optional(),
  /** The name (and type) of the entity's id in entity rows: `<entity>_id`, a string, by default. */
  join_key: joinKeySpec.optional(),
  /** Every accepted write of any view of the entity sets its hash to expire after this long. */
  ttl: duration.optional(),
  id: z
    .strictObject({
      pattern: z.string().optional(),
      max_length: z.number().int().min(1).max(1024).optional(),
    })
    .optional(),
});

/**
 * Serve the view's hashes from the reading process's memory, kept exact by Redis's invalidations
 * (see `NearCache`); off unless declared.
 */
const nearCacheSpec = z.strictObject({
  /** Hashes held per process (per key space: the views of one entity share theirs). */
  max_entries: z.number().int().positive().max(10_000_000),
});

const viewSpec = z
  .strictObject({
    /** The entity the view is keyed by; or `entities` for a composite key. */
    entity: z.string().optional(),
    entities: z.array(z.string()).min(1).max(8).optional(),
    description: z.string().optional(),
    max_age: duration.optional(),
    /** The hash field of the view's event time; "_ts:<view>" by default. Short names save memory. */
    event_time_field: z
      .string()
      .regex(/^_[A-Za-z0-9_:]{0,31}$/, 'an event-time field starts with "_" (no feature can), then up to 31 of A-Z a-z 0-9 _ :')
      .optional(),
    near_cache: nearCacheSpec.optional(),
    features: z.record(name('feature'), featureSpec).refine((features) => Object.keys(features).length > 0, {
      message: 'a view declares at least one feature',
    }),
  })
  .refine((view) => (view.entity === undefined) !== (view.entities === undefined), {
    message: 'a view declares either `entity` or `entities` (a composite key)',
  });

/** `view:feature`, or a whole `view`. */
const featureReference = z.string().regex(/^[a-z][a-z0-9_]*(:[a-z][a-z0-9_]*)?$/, 'expected "view:feature" or "view"');

const featureServiceSpec = z.strictObject({
  description: z.string().optional(),
  version: z.number().int().positive().optional(),
  features: z.array(featureReference).min(1),
});

const pushSourceSpec = z.union([
  name('view'),
  z.strictObject({ view: name('view'), description: z.string().optional() }),
]);

/** The shape of a registry file (YAML or JSON), before cross-references are checked. */
export const registryFileSchema = z.strictObject({
  entities: z.record(name('entity'), entitySpec),
  views: z.record(name('view'), viewSpec),
  feature_services: z.record(name('feature service'), featureServiceSpec).optional(),
  push_sources: z.record(name('push source'), pushSourceSpec).optional(),
});

export type RegistryFile = z.infer<typeof registryFileSchema>;
export type DurationSpec = z.infer<typeof duration>;
