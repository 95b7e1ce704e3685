import calculateSlot from 'cluster-key-slot';

/**
 * The only place where Redis key names and reserved hash fields are built.
 *
 * Layout (namespace "" reproduces the original prototype's keys exactly):
 *   <ns><space>:<id>:features     hash: one field per feature of the key space's views, plus one
 *                                 event-time field per view
 *   <ns>all_<space>s              set: every id of the key space ever written
 *   <ns>stream:<view>             stream: rows to write to the view (fields id, ts, features)
 *   <ns>stream:<view>:dead-letter stream: entries that can never be applied, with the reason
 *   <ns>materialized:<view>       string: event time (epoch ms) up to which offline files were loaded
 *   <ns>loaded:<view>             hash: rows bulk loads handled, by outcome (written, stale, rejected)
 *
 * A key space is an entity ("user": the prototype's layout) or, for views keyed by several
 * entities, their names joined by "+" ("driver+customer"). Its <id> is the entity's id; for a
 * composite key, the ids of its entities in key order, each with "%" written "%25" and "|"
 * written "%7C", joined by "|" (`compositeId`): no two tuples of ids share an <id>.
 *
 * Key space names hold only [a-z0-9_+] (no ":"), so the key space is the text before the first
 * ":" and the id the text between it and the final ":features": no two (key space, id) pairs
 * share a hash key, whatever characters an id holds.
 *
 * On a Redis Cluster (`cluster: true`) the hashes keep their names, except that an id holding
 * "{" or "}" cannot choose its hash slot with a hash tag: such an id is written with "%" as "%25",
 * "{" as "%7B" and "}" as "%7D", after a key space marked with "%" (`<ns><space>%:<id>:features`,
 * a name no other id can produce), so the key holds no brace and Redis hashes all of it. The
 * index is split into
 * INDEX_BUCKETS hash-tagged sets, <ns>all_<space>s:{<n>}, so that no one slot takes every write;
 * a view's two streams share the tag {<view>} so that one pipeline can touch both.
 */
export interface KeySchema {
  readonly namespace: string;
  /** True for the Redis Cluster layout. */
  readonly cluster: boolean;
  entityHash(space: string, id: string): string;
  /** The index set holding `id` (single node: the one set; cluster: the id's bucket). */
  entityIndexOf(space: string, id: string): string;
  /** Every index set of the key space (single node: one; cluster: INDEX_BUCKETS). */
  entityIndexes(space: string): readonly string[];
  stream(view: string): string;
  deadLetter(view: string): string;
  /** Where the bulk loader keeps the last event time it materialized into the view. */
  materialized(view: string): string;
  /** Where bulk loads count the rows they handled, by outcome. */
  loaded(view: string): string;
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

const COMPOSITE_SEPARATOR = '|';

/** The <id> of a composite key: each entity's id escaped ("%" -> "%25", "|" -> "%7C"), joined by "|". */
export function compositeId(ids: readonly string[]): string {
  let joined = '';
  for (let index = 0; index < ids.length; index++) {
    const id = ids[index]!;
    const escaped = id.includes('%') || id.includes('|') ? id.replace(/%/g, '%25').replace(/\|/g, '%7C') : id;
    joined += index === 0 ? escaped : `${COMPOSITE_SEPARATOR}${escaped}`;
  }
  return joined;
}

const hasBrace = (id: string) => id.includes('{') || id.includes('}');

/** An id with "%", "{" and "}" escaped when it holds a brace; other ids as they are. */
function withoutBraces(id: string): string {
  return hasBrace(id) ? id.replace(/%/g, '%25').replace(/\{/g, '%7B').replace(/\}/g, '%7D') : id;
}

/**
 * @param namespace prefixed to every key: "" for the seed layout, else text ending with ":"
 *   (for example "tenant-a:"), so that no two namespaces and key names run together
 *   ("a" + "buser" and "ab" + "user" would).
 * @param options.cluster the Redis Cluster layout (see `KeySchema`); false by default.
 * @throws TypeError for a namespace that does not end with ":" or holds "{" or "}".
 */
export function createKeySchema(namespace = '', { cluster = false }: { readonly cluster?: boolean } = {}): KeySchema {
  if (namespace !== '' && !namespace.endsWith(':')) {
    throw new TypeError(`key namespace ${JSON.stringify(namespace)} must end with ":" (e.g. ${JSON.stringify(`${namespace}:`)})`);
  }
  if (/[{}]/.test(namespace)) throw new TypeError(`key namespace ${JSON.stringify(namespace)} must not hold "{" or "}"`);
  const index = (space: string) => `${namespace}all_${space}s`;
  const buckets = new Map<string, readonly string[]>();
  const bucketsOf = (space: string) => {
    let keys = buckets.get(space);
    if (keys === undefined) {
      keys = Array.from({ length: INDEX_BUCKETS }, (_, bucket) => `${index(space)}:{${bucket}}`);
      buckets.set(space, keys);
    }
    return keys;
  };
  const streamTag = (view: string) => (cluster ? `{${view}}` : view);
  return {
    namespace,
    cluster,
    entityHash: cluster
      ? (space, id) => (hasBrace(id) ? `${namespace}${space}%:${withoutBraces(id)}:features` : `${namespace}${space}:${id}:features`)
      : (space, id) => `${namespace}${space}:${id}:features`,
    // The bucket comes from the id without braces too: ids cannot pile onto one bucket.
    entityIndexOf: cluster ? (space, id) => bucketsOf(space)[calculateSlot(withoutBraces(id)) % INDEX_BUCKETS]! : index,
    entityIndexes: cluster ? bucketsOf : (space) => [index(space)],
    stream: (view) => `${namespace}stream:${streamTag(view)}`,
    deadLetter: (view) => `${namespace}stream:${streamTag(view)}:dead-letter`,
    materialized: (view) => `${namespace}materialized:${view}`,
    loaded: (view) => `${namespace}loaded:${view}`,
  };
}
