import calculateSlot from 'cluster-key-slot';
import type { Cluster } from 'ioredis';
import { commandDeadlineOf } from '../redis/command-deadline';
import type { Tracker, TrackerEvents } from './tracker';
import { type Trackers, trackerOf } from './trackers';

const SLOTS = 16_384;

/**
 * A Redis Cluster: tracking is per connection and a server redirects invalidations only to a
 * connection of its own, so each master gets a tracker (two connections of the cache's own, not
 * the cluster client's, whose node connections serve uncached reads too: tracking them would
 * track every key read). A key's tracker is that of its slot's master in the slot map the
 * trackers were last matched to; whenever the cluster client's map changes (its 'refresh' after a
 * MOVED, a failover, a node error), the trackers follow it and the whole cache drops (entries of
 * a slot that moved would miss the invalidations of its new master).
 */
export class ClusterTrackers implements Trackers {
  private readonly trackers = new Map<string, Tracker>();
  /** The master ("host:port") of each slot as the trackers last matched it. */
  private masterOf: readonly (string | undefined)[] = [];
  private readonly onTopology = () => this.reconcile();

  constructor(
    private readonly cluster: Cluster,
    private readonly events: TrackerEvents,
  ) {
    cluster.on('ready', this.onTopology);
    cluster.on('refresh', this.onTopology);
    if (cluster.status === 'ready') this.reconcile();
  }

  armedFor(key: string): Tracker | undefined {
    const tracker = this.trackers.get(this.masterOf[calculateSlot(key)] ?? '');
    return tracker?.armed ? tracker : undefined;
  }

  all(): readonly Tracker[] {
    return [...this.trackers.values()];
  }

  close(): void {
    this.cluster.off('ready', this.onTopology);
    this.cluster.off('refresh', this.onTopology);
    for (const tracker of this.trackers.values()) tracker.close();
    this.trackers.clear();
  }

  private reconcile(): void {
    const owners = Array.from({ length: SLOTS }, (_, slot) => this.cluster.slots[slot]?.[0]);
    const moved = owners.some((owner, slot) => owner !== this.masterOf[slot]);
    this.masterOf = owners;
    const masters = new Set(owners.filter((owner) => owner !== undefined));
    for (const [address, tracker] of this.trackers) {
      if (masters.has(address)) continue;
      tracker.close();
      this.trackers.delete(address);
    }
    const nodes = new Map(this.cluster.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, node]));
    for (const address of masters) {
      const node = nodes.get(address);
      // A master the client has no connection to yet gets its tracker at a later refresh.
      if (node && !this.trackers.has(address)) this.trackers.set(address, trackerOf(node, this.events, true, commandDeadlineOf(this.cluster)));
    }
    if (moved) this.events.lost('topology');
  }
}
