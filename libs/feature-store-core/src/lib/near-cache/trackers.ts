import type { Redis } from 'ioredis';
import { withCommandDeadline } from '../redis/command-deadline';
import { Tracker, type TrackerEvents } from './tracker';

/** The trackers of a topology: one per server that holds keys of the cache. */
export interface Trackers {
  /** The tracker of the server that holds `key`, when its tracking is confirmed (`armed`); else undefined. */
  armedFor(key: string): Tracker | undefined;
  /** Every tracker of now. */
  all(): readonly Tracker[];
  close(): void;
}

/** Reconnection of the cache's own connections: soon, then every second at most, forever. */
const retryStrategy = (attempt: number) => Math.min(attempt * 50, 1_000);

/**
 * A tracker on the server `source` connects to, over two new connections with its settings
 * (credentials, TLS, coalesced writes) and the store client's command deadline (`deadlineMs`),
 * named after its connection for CLIENT LIST.
 */
export function trackerOf(source: Redis, events: TrackerEvents, mustBeMaster: boolean, deadlineMs: number | undefined): Tracker {
  const deadline = (client: Redis) => (deadlineMs === undefined ? client : withCommandDeadline(client, deadlineMs));
  const name = source.options.connectionName ?? 'feature-store';
  const common = { lazyConnect: false, enableOfflineQueue: false, readOnly: false, retryStrategy };
  return new Tracker(
    deadline(source.duplicate({ ...common, connectionName: `${name}:near-cache` })),
    deadline(source.duplicate({ ...common, connectionName: `${name}:near-cache-invalidations`, protocol: 2, autoResubscribe: false })),
    events,
    mustBeMaster,
  );
}
