import type { Redis } from 'ioredis';
import { type RawValues, WRONG_TYPE } from '../backend/backend';
import { hmget } from '../redis/flat-command';

/** Where Redis publishes invalidations to a RESP2 connection that tracking redirects to. */
export const INVALIDATION_CHANNEL = '__redis__:invalidate';

/**
 * Why a near-cache dropped everything it held:
 *   disconnect  a tracking or invalidation connection closed (invalidations may have been lost)
 *   flush       FLUSHALL or FLUSHDB (Redis's null invalidation), or SWAPDB, for which Redis sends
 *               no invalidation at all: the check sees it by Redis's count of SWAPDB calls
 *   redirect    the server no longer redirects the tracked keys' invalidations to the cache
 *               (CLIENT TRACKINGINFO: off, another redirect, or broken_redirect)
 *   topology    on a cluster, a slot moved or a master changed
 *   error       a tracked read or a check failed (a timeout, an error reply)
 */
export const NEAR_CACHE_DROP_REASONS = ['disconnect', 'flush', 'redirect', 'topology', 'error'] as const;
export type NearCacheDropReason = (typeof NEAR_CACHE_DROP_REASONS)[number];

export interface TrackerEvents {
  /** Redis invalidated these keys (their bytes); null for every key (FLUSHALL, FLUSHDB). */
  invalidated(keys: readonly Buffer[] | null): void;
  /** What this server tracks for the cache can no longer be trusted. */
  lost(reason: NearCacheDropReason): void;
}

/** One hash read with tracking: its values and, when asked, what PTTL answered (-1: no expiry, -2: no hash). */
export interface TrackedHash {
  readonly values: RawValues;
  readonly ttlMs: number | null;
}

/** A hash to read with tracking: the fields, and whether to ask its time to live too. */
export interface TrackedRead {
  readonly key: string;
  readonly fields: readonly string[];
  readonly withTtl: boolean;
}

/**
 * Server-assisted client-side caching on one Redis server, over two connections of its own:
 * `data`, whose reads Redis tracks (`CLIENT TRACKING ON REDIRECT <id>`), and `invalidations`,
 * the connection `<id>`, subscribed to `__redis__:invalidate`, where Redis sends the name of every
 * tracked key that changes (written, deleted, expired or evicted, by any client).
 *
 * `invalidations` speaks RESP2: to a RESP3 connection Redis sends invalidations as push frames,
 * which ioredis drops. Its keys are taken from the `messageBuffer` event: the `message` event
 * joins an array payload with commas (a key holding a comma would split) and gives a FLUSHALL's
 * null as "".
 *
 * `armed` turns true once Redis confirms tracking with the current redirect (TRACKINGINFO), and
 * false again on any loss (`TrackerEvents.lost`: a connection closed, a failed read or check);
 * the owner then drops its cache and calls `disarm`, and the tracker arms itself again. Reads
 * sent while disarmed must not fill the cache.
 */
export class Tracker {
  /** Reads on `data` are tracked and their invalidations reach `invalidations`: they may fill the cache. */
  armed = false;
  /** CLIENT ID of `invalidations` once it is subscribed on its current connection. */
  private subscriberId: number | null = null;
  /** Moves on every disarm: an arming begun before must not arm. */
  private epoch = 0;
  /** Moves on every close of `invalidations`: a subscription begun before is of a connection gone. */
  private connection = 0;
  /** Redis's count of SWAPDB calls when the tracker armed (see `swapCount`). */
  private swaps: number | null = null;
  private arming = false;
  private checking = false;
  private closed = false;

  constructor(
    private readonly data: Redis,
    private readonly invalidations: Redis,
    private readonly events: TrackerEvents,
    /** On a cluster: a server that is no longer a master (ROLE) serves none of the cache's slots. */
    private readonly mustBeMaster: boolean,
  ) {
    data.on('ready', () => void this.arm());
    data.on('close', () => this.lose('disconnect'));
    invalidations.on('ready', () => void this.subscribe());
    invalidations.on('close', () => {
      this.subscriberId = null;
      this.connection += 1;
      this.lose('disconnect');
    });
    invalidations.on('messageBuffer', (channel: Buffer, message: Buffer[] | null) => {
      if (channel.toString() === INVALIDATION_CHANNEL) events.invalidated(message);
    });
    // A connection error is followed by its 'close', which drops the cache (counted by reason);
    // the application hears of the same outage from its own client. Without a listener ioredis
    // would print the error: the library never logs.
    const ignore = () => undefined;
    data.on('error', ignore);
    invalidations.on('error', ignore);
  }

  /** Called by the owner once it dropped its cache: reads may no longer fill it until tracking is confirmed again. */
  disarm(): void {
    this.armed = false;
    this.epoch += 1;
    void this.arm();
  }

  /**
   * The hashes' fields, read on the tracked connection (one pipeline). A key of another type is
   * `WRONG_TYPE`.
   * @throws Error when the connection fails or Redis answers any other error (MOVED on a cluster).
   */
  async read(reads: readonly TrackedRead[]): Promise<TrackedHash[]> {
    const pipeline = this.data.pipeline();
    for (const { key, fields, withTtl } of reads) {
      void hmget(pipeline, key, fields);
      if (withTtl) pipeline.pttl(key);
    }
    const replies = (await pipeline.exec()) ?? [];
    let at = 0;
    const reply = (): unknown => {
      const [error, result] = replies[at++] ?? [new Error('pipeline returned no reply'), null];
      if (error && !error.message.startsWith('WRONGTYPE')) throw error;
      return error ? WRONG_TYPE : result;
    };
    return reads.map(({ withTtl }) => {
      const values = reply() as RawValues;
      return { values, ttlMs: withTtl ? (reply() as number) : null };
    });
  }

  /** Which members are in the set, read on the tracked connection. @throws Error as `read` */
  async isMember(set: string, members: readonly string[]): Promise<boolean[]> {
    const reply = await this.data.smismember(set, ...members);
    return reply.map((found) => found === 1);
  }

  /**
   * Resolves once every invalidation Redis sent before the call has been applied: a PING through
   * `invalidations` is answered after them, and one through `data` proves that tracking was not
   * lost with its connection before (on a cluster, ROLE that the server is still the master whose
   * writes it reports; on a server, that no SWAPDB came since it armed). When either fails, the
   * cache is dropped first.
   */
  async sync(): Promise<void> {
    if (!this.armed) return;
    const epoch = this.epoch;
    let role: unknown[] | null;
    let swaps: number | null;
    try {
      [role, swaps] = await Promise.all([this.mustBeMaster ? this.data.role() : null, this.swapCount(), this.data.ping(), this.invalidations.ping()]);
    } catch {
      // The failure is the answer: whatever invalidations were lost, the cache drops.
      if (epoch === this.epoch) this.failed();
      return;
    }
    if (epoch !== this.epoch) return;
    if (role && role[0] !== 'master') this.lose('topology');
    else if (this.swapped(swaps)) this.lose('flush');
  }

  /**
   * Confirms that tracking still holds (tracking on, redirected to the live `invalidations`,
   * which answers; on a cluster the server is still a master; no SWAPDB since it armed), within
   * `timeoutMs`; else drops the cache and, when the server did not answer, makes both connections
   * again (which discards what they had queued). Arms the tracker when it is not.
   */
  async check(timeoutMs: number): Promise<void> {
    if (this.closed || this.checking) return;
    if (!this.armed) return this.arm();
    this.checking = true;
    const epoch = this.epoch;
    const id = this.subscriberId;
    const answers = await within(
      timeoutMs,
      Promise.all([this.data.client('TRACKINGINFO'), this.mustBeMaster ? this.data.role() : null, this.swapCount(), this.invalidations.ping()]),
    );
    this.checking = false;
    if (epoch !== this.epoch) return;
    if (answers === null) return this.failed();
    const [info, role, swaps] = answers;
    if (!tracksFor(info, id)) this.lose('redirect');
    else if (role && role[0] !== 'master') this.lose('topology');
    else if (this.swapped(swaps)) this.lose('flush');
  }

  /**
   * A tracked read failed: the cache drops. A redirection (MOVED, ASK: the slot is another
   * server's now) is a topology change; anything else an error, and both connections are made
   * again (a timed-out command may still be queued).
   */
  failed(error?: unknown): void {
    if (error instanceof Error && /^(MOVED|ASK) /.test(error.message)) return this.lose('topology');
    this.lose('error');
    this.reconnect();
  }

  close(): void {
    this.closed = true;
    this.armed = false;
    this.data.disconnect();
    this.invalidations.disconnect();
  }

  /**
   * How many SWAPDB calls Redis has counted (INFO commandstats), null when unknown. SWAPDB gives
   * the connections' database the contents of another without invalidating a key, so a change of
   * this count means every cached value may be of the other database. (CONFIG RESETSTAT moves it
   * too: a needless drop.) A cluster has no SWAPDB: null. A server that refuses INFO (an ACL)
   * fails the call, so the tracker never arms there.
   */
  private async swapCount(): Promise<number | null> {
    if (this.mustBeMaster) return null;
    return Number(/^cmdstat_swapdb:calls=(\d+)/m.exec(await this.data.info('commandstats'))?.[1] ?? 0);
  }

  /** Whether the count of SWAPDB calls moved since the tracker armed. */
  private swapped(swaps: number | null): boolean {
    return swaps !== null && this.swaps !== null && swaps !== this.swaps;
  }

  private lose(reason: NearCacheDropReason): void {
    if (!this.closed) this.events.lost(reason);
  }

  private reconnect(): void {
    if (this.closed) return;
    this.data.disconnect(true);
    this.invalidations.disconnect(true);
  }

  /** On each new `invalidations` connection: its id, then the subscription; then arm. */
  private async subscribe(): Promise<void> {
    const connection = this.connection;
    try {
      const id = await this.invalidations.client('ID');
      await this.invalidations.subscribe(INVALIDATION_CHANNEL);
      if (connection !== this.connection) return;
      this.subscriberId = id;
      await this.arm();
    } catch {
      // The connection failed meanwhile: its 'close' drops the cache and its next 'ready' starts again.
    }
  }

  /**
   * Turns tracking on for `data`, redirected to `invalidations`, and arms once TRACKINGINFO shows
   * it so. When the tracker was disarmed meanwhile (a loss), it tries again on the connections of
   * now; when Redis refuses, the next check does.
   */
  private async arm(): Promise<void> {
    const id = this.subscriberId;
    if (this.closed || this.armed || this.arming || id === null || this.data.status !== 'ready') return;
    this.arming = true;
    const epoch = this.epoch;
    let confirmed = false;
    let swaps: number | null = null;
    try {
      await this.data.client('TRACKING', 'ON', 'REDIRECT', id);
      let info: unknown;
      [info, swaps] = await Promise.all([this.data.client('TRACKINGINFO'), this.swapCount()]);
      confirmed = tracksFor(info, id);
    } catch {
      // Not armed: the cache serves from Redis (`armed` false shows in the stats) until a retry.
    } finally {
      this.arming = false;
    }
    if (epoch !== this.epoch) return this.arm();
    if (confirmed) {
      this.swaps = swaps;
      this.armed = true;
    }
  }
}

/** Whether a CLIENT TRACKINGINFO reply shows tracking on, redirected to `id`, the redirect not broken. */
export function tracksFor(info: unknown, id: number | null): boolean {
  if (!Array.isArray(info) || id === null) return false;
  const field = (name: string): unknown => info[info.findIndex((item) => String(item) === name) + 1];
  const flags = field('flags');
  const names = Array.isArray(flags) ? flags.map(String) : [];
  return names.includes('on') && !names.includes('broken_redirect') && Number(field('redirect')) === id;
}

/** What `answer` resolves with, or null when it fails or takes longer than `ms`. */
function within<T>(ms: number, answer: Promise<T>): Promise<T | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    timer.unref();
    answer.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(null);
      },
    );
  });
}
