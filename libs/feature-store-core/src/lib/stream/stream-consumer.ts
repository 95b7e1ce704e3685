import type { KeySchema } from '../keys/key-schema';
import { type RedisClient, queueingDuplicate } from '../redis/create-redis-client';
import { pipelineReply, redisCall, toRedisError } from '../redis/redis-call';
import type { WriteRow } from '../write/row-encoder';
import type { RowWriter } from '../write/row-writer';
import { parseStreamEntry } from './stream-entry';

export interface StreamConsumerOptions {
  /** The feature view whose stream is consumed. */
  readonly view: string;
  /** Consumer group; consumers of one group share the work. Default "feature-store". */
  readonly group?: string;
  /** This consumer's name, unique within the group (e.g. host and pid). */
  readonly consumer: string;
  /** Entries read per call. Default 500. */
  readonly batchSize?: number;
  /** How long a read waits for new entries. Default 1000 ms. */
  readonly blockMs?: number;
  /** Entries pending this long on another (crashed) consumer are claimed. Default 30000 ms. */
  readonly claimIdleMs?: number;
}

export interface ConsumeResult {
  /** Entries handled (all acknowledged). */
  readonly read: number;
  readonly written: number;
  readonly stale: number;
  /** Entries that can never be applied, moved to the dead-letter stream with the reason. */
  readonly deadLettered: number;
  /**
   * The consumer group was gone (the stream was deleted and made again by an XADD, or Redis
   * restarted without persistence) and this call created it again, at the stream's start.
   */
  readonly groupRecreated: boolean;
}

/** How long the entries of a view's stream and dead-letter stream are kept. */
export interface StreamRetention {
  /** About this many entries are kept at most (MAXLEN ~ on the dead letters; acknowledged entries of the stream). */
  readonly maxLength: number;
  /** Entries older than this (by their id's time) are dropped; null: no age limit. */
  readonly maxAgeMs: number | null;
}

export interface TrimResult {
  /** Entries dropped from the stream and from the dead-letter stream. */
  readonly stream: number;
  readonly deadLetter: number;
}

export interface StreamLag {
  /** Entries not yet delivered to the group (null when Redis cannot tell). */
  readonly lag: number | null;
  /** Entries delivered but not acknowledged. */
  readonly pending: number;
}

type Entry = readonly [entryId: string, fields: readonly string[] | null];

const EMPTY: ConsumeResult = { read: 0, written: 0, stale: 0, deadLettered: 0, groupRecreated: false };

/**
 * Redis's answer to a read of a consumer group that does not exist, or to a blocked read whose
 * stream was deleted meanwhile (UNBLOCKED).
 */
const isNoGroup = (error: unknown) => error instanceof Error && /NOGROUP|UNBLOCKED/.test(error.message);

/**
 * At-least-once consumption of a view's stream through a consumer group. Each call handles one
 * batch: this consumer's own unacknowledged entries first (after a restart or a failed write),
 * then entries idle on other consumers (XAUTOCLAIM), then new ones. Entries are acknowledged only
 * after their rows were written or dead-lettered, so a crash loses nothing; a replay rewrites
 * rows with the same event time, which changes nothing.
 */
export class StreamConsumer {
  private readonly group: string;
  private readonly batchSize: number;
  private readonly blockMs: number;
  private readonly claimIdleMs: number;
  private readonly streamKey: string;
  private readonly deadLetterKey: string;
  /** Blocking reads get their own connection, so they never delay writes. */
  private readonly reader: RedisClient;
  private ownPendingFirst = true;
  /** A read of new entries started while the previous batch was written; it never rejects. */
  private prefetched: Promise<{ entries: Entry[] } | { error: unknown }> | null = null;
  private claimCursor = '0-0';
  /** When idle entries of other consumers were last looked for (epoch ms). */
  private lastClaim = 0;

  /**
   * @param writer applies the rows (the store's write path)
   * @param redis a client of the store's Redis, for the stream commands
   */
  constructor(
    private readonly writer: RowWriter,
    private readonly redis: RedisClient,
    keys: KeySchema,
    private readonly options: StreamConsumerOptions,
  ) {
    const view = writer.registry.view(options.view);
    this.group = options.group ?? 'feature-store';
    this.batchSize = options.batchSize ?? 500;
    this.blockMs = options.blockMs ?? 1_000;
    this.claimIdleMs = options.claimIdleMs ?? 30_000;
    this.streamKey = keys.stream(view.name);
    this.deadLetterKey = keys.deadLetter(view.name);
    // Its commands wait for the connection rather than failing before it is ready; at most one
    // (a bounded blocking read) is ever queued.
    this.reader = queueingDuplicate(redis);
  }

  /** Creates the stream and the group when missing; a new group starts at the stream's beginning. */
  async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.streamKey, this.group, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw toRedisError(error);
    }
  }

  /**
   * Handles one batch; resolves with zero counts when nothing arrived within `blockMs`. When the
   * group is gone, creates it again (MKSTREAM, from the start of the stream, so that nothing added
   * since is missed) and says so.
   */
  async consumeOnce(): Promise<ConsumeResult> {
    try {
      return await this.consumeBatch();
    } catch (error) {
      if (!isNoGroup(error)) throw error;
      this.prefetched = null;
      this.ownPendingFirst = true;
      this.claimCursor = '0-0';
      await this.ensureGroup();
      return { ...EMPTY, groupRecreated: true };
    }
  }

  private async consumeBatch(): Promise<ConsumeResult> {
    let entries: Entry[] = [];
    if (this.ownPendingFirst) {
      entries = await this.read('0', false);
      if (entries.length === 0) this.ownPendingFirst = false;
    }
    // Other consumers' entries cannot turn claimable faster than claimIdleMs: look twice per period.
    if (entries.length === 0 && Date.now() - this.lastClaim >= this.claimIdleMs / 2) {
      this.lastClaim = Date.now();
      entries = await this.claim();
    }
    if (entries.length === 0) entries = await this.nextNew();
    if (entries.length === 0) return EMPTY;
    // The next batch is read while this one is written. Both go through the reader connection in
    // order, and batches are applied one after the other, so rows keep their stream order.
    this.prefetched = settle(this.read('>', true));
    try {
      return await this.apply(entries);
    } catch (error) {
      // The prefetched entries are this consumer's pending entries now: the reads from '0' that
      // follow on the same connection return them.
      this.prefetched = null;
      this.ownPendingFirst = true;
      throw toRedisError(error);
    }
  }

  /** The prefetched batch when there is one, else a blocking read of new entries. */
  private async nextNew(): Promise<Entry[]> {
    const prefetched = this.prefetched;
    this.prefetched = null;
    if (!prefetched) return this.read('>', true);
    const outcome = await prefetched;
    if ('error' in outcome) throw outcome.error;
    return outcome.entries;
  }

  async lag(): Promise<StreamLag> {
    const groups = (await redisCall(() => this.redis.xinfo('GROUPS', this.streamKey))) as unknown[][];
    for (const flat of groups) {
      const info = new Map<unknown, unknown>();
      for (let i = 0; i + 1 < flat.length; i += 2) info.set(flat[i], flat[i + 1]);
      if (info.get('name') === this.group) {
        const lag = info.get('lag');
        return { lag: typeof lag === 'number' ? lag : null, pending: Number(info.get('pending') ?? 0) };
      }
    }
    return { lag: null, pending: 0 };
  }

  /** Closes the reading connection (the store's client stays open). */
  async close(): Promise<void> {
    this.reader.disconnect();
  }

  private async read(from: '0' | '>', block: boolean): Promise<Entry[]> {
    const { group, consumer } = { group: this.group, consumer: this.options.consumer };
    const reply = await redisCall(() =>
      block
        ? this.reader.xreadgroup('GROUP', group, consumer, 'COUNT', this.batchSize, 'BLOCK', this.blockMs, 'STREAMS', this.streamKey, from)
        : this.reader.xreadgroup('GROUP', group, consumer, 'COUNT', this.batchSize, 'STREAMS', this.streamKey, from),
    );
    const streams = reply as [string, Entry[]][] | null;
    return streams?.[0]?.[1] ?? [];
  }

  private async claim(): Promise<Entry[]> {
    const reply = (await redisCall(() =>
      this.redis.xautoclaim(
        this.streamKey,
        this.group,
        this.options.consumer,
        this.claimIdleMs,
        this.claimCursor,
        'COUNT',
        this.batchSize,
      ),
    )) as [string, Entry[]];
    this.claimCursor = reply[0];
    return reply[1];
  }

  private async apply(entries: readonly Entry[]): Promise<ConsumeResult> {
    const rows: WriteRow[] = [];
    const rowEntries: number[] = [];
    const dead: { position: number; reason: string }[] = [];
    entries.forEach(([entryId, fields], position) => {
      if (fields === null) {
        dead.push({ position, reason: 'entry was trimmed from the stream before it was applied' });
        return;
      }
      const parsed = parseStreamEntry(entryId, fields);
      if ('reason' in parsed) dead.push({ position, reason: parsed.reason });
      else {
        rows.push(parsed.row);
        rowEntries.push(position);
      }
    });
    const { written, stale, rejected } = await this.writer.writeValid(this.options.view, rows);
    for (const { row, reason } of rejected) dead.push({ position: rowEntries[row]!, reason });
    dead.sort((a, b) => a.position - b.position);
    const pipeline = this.redis.pipeline();
    for (const { position, reason } of dead) {
      const [entryId, fields] = entries[position]!;
      pipeline.xadd(this.deadLetterKey, '*', 'entry', entryId, 'reason', reason, ...(fields ?? []));
    }
    pipeline.xack(this.streamKey, this.group, ...entries.map(([entryId]) => entryId));
    const replies = await pipeline.exec();
    // One XADD per dead entry, then the XACK: every reply is checked.
    for (let index = 0; index <= dead.length; index++) pipelineReply(replies, index);
    return { read: entries.length, written, stale, deadLettered: dead.length, groupRecreated: false };
  }

  /**
   * Drops old entries of the view's stream and dead-letter stream: those older than
   * `retention.maxAgeMs`, and, once a stream holds more than `retention.maxLength`, every entry
   * the groups are done with. Nothing that any consumer group of a stream has not acknowledged (or
   * not yet read) is dropped, whatever the limits.
   */
  async trim(retention: StreamRetention): Promise<TrimResult> {
    const [stream, deadLetter] = await Promise.all([this.trimOne(this.streamKey, retention), this.trimOne(this.deadLetterKey, retention)]);
    return { stream, deadLetter };
  }

  private async trimOne(key: string, { maxLength, maxAgeMs }: StreamRetention): Promise<number> {
    const length = await redisCall(() => this.redis.xlen(key));
    if (length === 0) return 0;
    const kept = await this.firstUnacknowledged(key);
    const ageCut = maxAgeMs === null ? null : `${Math.max(Date.now() - maxAgeMs, 0)}-0`;
    if (kept === null) {
      // No consumer group: only the limits bound it.
      const byAge = ageCut === null ? 0 : await redisCall(() => this.redis.xtrim(key, 'MINID', '~', ageCut));
      return byAge + (await redisCall(() => this.redis.xtrim(key, 'MAXLEN', '~', maxLength)));
    }
    const cut = length > maxLength ? kept : ageCut === null ? null : earlierId(ageCut, kept);
    return cut === null ? 0 : redisCall(() => this.redis.xtrim(key, 'MINID', '~', cut));
  }

  /**
   * The first entry id that some consumer group of the stream still needs: the oldest pending
   * entry of a group, or the one after the last it read; null when the stream has no group.
   */
  private async firstUnacknowledged(key: string): Promise<string | null> {
    const groups = (await redisCall(() => this.redis.xinfo('GROUPS', key))) as unknown[][];
    if (groups.length === 0) return null;
    const needed = await Promise.all(
      groups.map(async (flat) => {
        const info = new Map<unknown, unknown>();
        for (let i = 0; i + 1 < flat.length; i += 2) info.set(flat[i], flat[i + 1]);
        if (Number(info.get('pending') ?? 0) > 0) {
          const summary = (await redisCall(() => this.redis.xpending(key, String(info.get('name'))))) as [number, string | null];
          if (summary[1]) return summary[1];
        }
        return nextId(String(info.get('last-delivered-id') ?? '0-0'));
      }),
    );
    return needed.reduce((first, id) => earlierId(first, id));
  }
}

/** A read whose failure is kept as a value, to be thrown when (and if) its result is used. */
function settle(read: Promise<Entry[]>): Promise<{ entries: Entry[] } | { error: unknown }> {
  return read.then(
    (entries) => ({ entries }),
    (error: unknown) => ({ error }),
  );
}

/** The smallest id after `id` ("<ms>-<seq>"). */
function nextId(id: string): string {
  const [ms, seq] = id.split('-');
  return `${ms}-${BigInt(seq ?? '0') + 1n}`;
}

/** The earlier of two entry ids. */
function earlierId(a: string, b: string): string {
  const [aMs, aSeq] = a.split('-').map((part) => BigInt(part));
  const [bMs, bSeq] = b.split('-').map((part) => BigInt(part));
  return aMs! < bMs! || (aMs === bMs && aSeq! <= bSeq!) ? a : b;
}
