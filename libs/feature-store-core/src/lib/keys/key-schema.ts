import calculateSlot from 'cluster-key-slot';

/**
 * The only place where Redis key names and reserved hash fields are built.
 *
 * Layout (namespace "" reproduces the original prototype's keys exactly):
 *   <ns><entity>:<id>:features   hash: one field per feature, plus one event-time field per view
 *   <ns>all_<entity>s            set: every id of the entity ever written
 *   <ns>stream:<view>            stream: rows to write to the view (fields id, ts, features)
 *   <ns>stream:<view>:dead-letter  stream: entries that can never be applied, with the reason
 *
 * On a Redis Cluster (`cluster: true`) the hashes keep their names; the index is split into
 * INDEX_BUCKETS hash-tagged sets, <ns>all_<entity>s:{<n>}, so that no one slot takes every write;
 * a view's two streams share the tag {<view>} so that one pipeline can touch both.
 *
 * Entity names cannot contain ":" (the registry allows [a-z0-9_]), so the entity is the text before
 * the first ":" and the id the text between it and the final ":features": no two (entity, id)
 * pairs share a hash key, whatever characters an id holds.
 */
export interface KeySchema {
  readonly namespace: string;
  /** True for the Redis Cluster layout. */
  readonly cluster: boolean;
  entityHash(entity: string, id: string): string;
  /** The index set holding `id` (single node: the one set; cluster: the id's bucket). */
  entityIndexOf(entity: string, id: string): string;
  /** Every index set of the entity (single node: one; cluster: INDEX_BUCKETS). */
  entityIndexes(entity: string): readonly string[];
  stream(view: string): string;
  deadLetter(view: string): string;
}

/** Index sets per entity on a Redis Cluster. */
export const INDEX_BUCKETS = 16;

/**
 * The default hash field holding the event time (epoch ms) of the last row of `view` written to
 * the hash; a view may name its own (`event_time_field`, starting with "_").
 */
export function eventTimeField(view: string): string {
  return `${EVENT_TIME_FIELD_PREFIX}${view}`;
}

/** Feature names start with a letter, so no feature can collide with a reserved "_" field. */
export const EVENT_TIME_FIELD_PREFIX = '_ts:';

/**
 * @param namespace prefixed to every key, for example "tenant-a:"; "" for the seed layout.
 * @param options.cluster the Redis Cluster layout (see `KeySchema`); false by default.
 */
export function createKeySchema(namespace = '', { cluster = false }: { readonly cluster?: boolean } = {}): KeySchema {
  const index = (entity: string) => `${namespace}all_${entity}s`;
  const buckets = new Map<string, readonly string[]>();
  const bucketsOf = (entity: string) => {
    let keys = buckets.get(entity);
    if (keys === undefined) {
      keys = Array.from({ length: INDEX_BUCKETS }, (_, bucket) => `${index(entity)}:{${bucket}}`);
      buckets.set(entity, keys);
    }
    return keys;
  };
  const streamTag = (view: string) => (cluster ? `{${view}}` : view);
  return {
    namespace,
    cluster,
    entityHash: (entity, id) => `${namespace}${entity}:${id}:features`,
    entityIndexOf: cluster ? (entity, id) => bucketsOf(entity)[calculateSlot(id) % INDEX_BUCKETS]! : index,
    entityIndexes: cluster ? bucketsOf : (entity) => [index(entity)],
    stream: (view) => `${namespace}stream:${streamTag(view)}`,
    deadLetter: (view) => `${namespace}stream:${streamTag(view)}:dead-letter`,
  };
}
