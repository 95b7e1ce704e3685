import { z } from 'zod';
import { FEATURE_TYPES } from './registry.types';

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
    dimension: z.number().int().positive().optional(),
    description: z.string().optional(),
    /** Typical values; simulators draw from them. Each must fit the declared type. */
    examples: z.array(z.unknown()).min(1).optional(),
  }),
]);

const entitySpec = z.strictObject({
  description: z.string().optional(),
  /** Every accepted write of any view of the entity sets its hash to expire after this long. */
  ttl: duration.optional(),
  id: z
    .strictObject({
      pattern: z.string().optional(),
      max_length: z.number().int().min(1).max(1024).optional(),
    })
    .optional(),
});

const viewSpec = z.strictObject({
  entity: z.string(),
  description: z.string().optional(),
  max_age: duration.optional(),
  /** The hash field of the view's event time; "_ts:<view>" by default. Short names save memory. */
  event_time_field: z
    .string()
    .regex(/^_[A-Za-z0-9_:]{0,31}$/, 'an event-time field starts with "_" (no feature can), then up to 31 of A-Z a-z 0-9 _ :')
    .optional(),
  features: z.record(name('feature'), featureSpec).refine((features) => Object.keys(features).length > 0, {
    message: 'a view declares at least one feature',
  }),
});

/** The shape of a registry file (YAML or JSON), before cross-references are checked. */
export const registryFileSchema = z.strictObject({
  entities: z.record(name('entity'), entitySpec),
  views: z.record(name('view'), viewSpec),
});

export type RegistryFile = z.infer<typeof registryFileSchema>;
export type DurationSpec = z.infer<typeof duration>;
