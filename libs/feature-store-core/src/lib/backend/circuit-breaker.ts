import { FeatureStoreError, FeatureStoreErrorCode } from '../errors';
import type { KeySchema } from '../keys/key-schema';
import type { RedisClient } from '../redis/create-redis-client';
import { redisCall, toRedisError } from '../redis/redis-call';
import type { HashGroup, WriteCode } from '../redis/scripts';
import type { Backend, BackendWrite, RawValues, SetMember } from './backend';

export interface CircuitBreakerOptions {
  /** Consecutive calls failing with a Redis error (a timeout, a dropped connection) that open the circuit. Default 5. */
  readonly failures?: number;
  /**
   * How long, at least, the failures in a row must span, in ms, with no call answered between
   * them. Default 250. A Redis busy for a moment (a slow command, a fork) times out every call in
   * flight at once: such a burst is not a silent Redis, and the calls made after it are answered.
   */
  readonly failureSpanMs?: number;
  /** While open, a probe (PING) every this many ms; the first answered closes the circuit. Default 250. */
  readonly probeIntervalMs?: number;
  /** Told when the circuit opens (with the error that opened it) and closes (null): for logs and metrics. */
  readonly onChange?: (open: boolean, cause: FeatureStoreError | null) => void;
}

/**
 * A backend that stops sending to a Redis that does not answer. A client's commands that time out
 * stay queued in it (and in its socket) until Redis answers, so a stalled Redis (a paused
 * process, a network black hole) makes memory grow with every request and leaves Redis a backlog
 * to run when it wakes. After `failures` consecutive Redis errors spanning `failureSpanMs` at
 * least, with no call answered in between, the circuit opens: the
 * connection is dropped and made again, which discards the backlog, and every call fails at once
 * (REDIS_ERROR) without sending anything, so memory stays flat however long the stall. Meanwhile
 * one PING at a time probes Redis; the first answer closes the circuit.
 */
export class CircuitBreaker implements Backend {
  readonly keys: KeySchema;
  private failures = 0;
  /** When the first of the failures in a row happened (ms since the epoch). */
  private failingSince = 0;
  private open: FeatureStoreError | null = null;
  private probe: NodeJS.Timeout | null = null;
  private readonly threshold: number;
  private readonly failureSpanMs: number;
  private readonly probeIntervalMs: number;

  constructor(
    private readonly inner: Backend,
    private readonly redis: RedisClient,
    private readonly options: CircuitBreakerOptions = {},
  ) {
    this.keys = inner.keys;
    this.threshold = options.failures ?? 5;
    this.failureSpanMs = options.failureSpanMs ?? 250;
    this.probeIntervalMs = options.probeIntervalMs ?? 250;
  }

  read(groups: readonly HashGroup[]): Promise<RawValues[][]> {
    return this.guard(() => this.inner.read(groups));
  }

  write(write: BackendWrite): Promise<WriteCode[]> {
    return this.guard(() => this.inner.write(write));
  }

  isMember(members: readonly SetMember[]): Promise<boolean[]> {
    return this.guard(() => this.inner.isMember(members));
  }

  count(sets: readonly string[]): Promise<number> {
    return this.guard(() => this.inner.count(sets));
  }

  append(stream: string, entries: readonly (readonly string[])[], maxLength?: number): Promise<string[]> {
    return this.guard(() => this.inner.append(stream, entries, maxLength));
  }

  time(key: string): Promise<number | null> {
    return this.guard(() => this.inner.time(key));
  }

  advanceTime(key: string, ms: number): Promise<number> {
    return this.guard(() => this.inner.advanceTime(key, ms));
  }

  addCounts(key: string, counts: Readonly<Record<string, number>>): Promise<void> {
    return this.guard(() => this.inner.addCounts(key, counts));
  }

  counts(key: string): Promise<Record<string, number>> {
    return this.guard(() => this.inner.counts(key));
  }

  ping(): Promise<void> {
    return this.guard(() => this.inner.ping());
  }

  private guard<T>(call: () => Promise<T>): Promise<T> {
    if (this.open) return Promise.reject(this.open);
    return call().then(
      (result) => {
        this.failures = 0;
        return result;
      },
      (error: unknown) => {
        if (error instanceof FeatureStoreError && error.code === FeatureStoreErrorCode.RedisError) this.failed(error);
        throw error;
      },
    );
  }

  private failed(error: FeatureStoreError): void {
    const now = Date.now();
    if (this.failures === 0) this.failingSince = now;
    this.failures += 1;
    if (this.open || this.failures < this.threshold || now - this.failingSince < this.failureSpanMs) return;
    this.open = toRedisError(new Error(`circuit open after ${this.failures} failed calls (${error.message}); probing`));
    this.dropBacklog();
    this.options.onChange?.(true, error);
    this.scheduleProbe();
  }

  /** A new connection: the commands queued on the old one fail now instead of running later. */
  private dropBacklog(): void {
    this.redis.disconnect(true);
  }

  private scheduleProbe(): void {
    this.probe = setTimeout(() => {
      // While the client reconnects (a stalled Redis never answers its ready check) there is
      // nothing to send: wait for the next probe.
      if (this.redis.status !== 'ready') return this.scheduleProbe();
      redisCall(() => this.redis.ping()).then(
        () => {
          this.probe = null;
          this.open = null;
          this.failures = 0;
          this.options.onChange?.(false, null);
        },
        () => {
          this.dropBacklog(); // the probe itself is queued now
          this.scheduleProbe();
        },
      );
    }, this.probeIntervalMs);
    this.probe.unref();
  }
}
