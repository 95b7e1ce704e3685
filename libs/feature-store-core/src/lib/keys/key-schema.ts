/**
 * The only place where Redis key names and reserved hash fields are built.
 *
 * Layout (namespace "" reproduces the original prototype's keys exactly):
 *   <ns><entity>:<id>:features   hash: one field per feature, plus one event-time field per view
 *   <ns>all_<entity>s            set: every id of the entity ever written
 *   <ns>stream:<view>            stream: rows to write to the view (fields id, ts, features)
 *   <ns>stream:<view>:dead-letter  stream: entries that can never be applied, with the reason
 *
 * Entity names cannot contain ":" (the registry allows [a-z0-9_]), so the entity is the text before
 * the first ":" and the id the text between it and the final ":features": no two (entity, id)
 * pairs share a hash key, whatever characters an id holds.
 */
export interface KeySchema {
  readonly namespace: string;
  entityHash(entity: string, id: string): string;
  entityIndex(entity: string): string;
  stream(view: string): string;
  deadLetter(view: string): string;
}

/**
 * The default hash field holding the event time (epoch ms) of the last row of `view` written to
 * the hash; a view may name its own (`event_time_field`, starting with "_").
 */
export function eventTimeField(view: string): string {
  return `${EVENT_TIME_FIELD_PREFIX}${view}`;
}

/** Feature names start with a letter, so no feature can collide with a reserved "_" field. */
export const EVENT_TIME_FIELD_PREFIX = '_ts:';

/** @param namespace prefixed to every key, for example "tenant-a:"; "" for the seed layout. */
export function createKeySchema(namespace = ''): KeySchema {
  return {
    namespace,
    entityHash: (entity, id) => `${namespace}${entity}:${id}:features`,
    entityIndex: (entity) => `${namespace}all_${entity}s`,
    stream: (view) => `${namespace}stream:${view}`,
    deadLetter: (view) => `${namespace}stream:${view}:dead-letter`,
  };
}
