import type { Redis } from 'ioredis';
import { commandDeadlineOf } from '../redis/command-deadline';
import type { Tracker, TrackerEvents } from './tracker';
import { type Trackers, trackerOf } from './trackers';

/** One server: one tracker for every key. */
export class SingleServerTrackers implements Trackers {
  private readonly tracker: Tracker;

  constructor(redis: Redis, events: TrackerEvents) {
    this.tracker = trackerOf(redis, events, false, commandDeadlineOf(redis));
  }

  armedFor(): Tracker | undefined {
    return this.tracker.armed ? this.tracker : undefined;
  }

  all(): readonly Tracker[] {
    return [this.tracker];
  }

  close(): void {
    this.tracker.close();
  }
}
