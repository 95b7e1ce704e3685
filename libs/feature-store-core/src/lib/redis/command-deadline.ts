import type { Cluster, Command, Redis } from 'ioredis';

/** The error of a command past its deadline: ioredis' own words for its `commandTimeout`. */
export const COMMAND_TIMED_OUT = 'Command timed out';

/** The deadline of each client made with one (see `withCommandDeadline`), for its duplicates. */
const deadlines = new WeakMap<Redis | Cluster, number>();

interface Pending {
  readonly command: Command;
  /** performance.now() past which the command fails. */
  readonly at: number;
}

/**
 * The commands of one client in the order they were sent, each with its deadline: the deadline
 * is the same for all, so they expire in that order and one timer serves them all.
 */
class DeadlineQueue {
  /** From `head` on: the commands not known to be settled; before it, released slots. */
  private pending: (Pending | undefined)[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ms: number) {}

  track(command: Command): void {
    this.release();
    this.pending.push({ command, at: performance.now() + this.ms });
    this.timer ??= this.after(this.ms);
  }

  /**
   * Lets go of the settled commands at the front (commands mostly settle in the order they were
   * sent): held until their deadline, they and their replies would outlive the young generation
   * and cost the garbage collector far more than the deadline itself.
   */
  private release(): void {
    while (this.head < this.pending.length && this.pending[this.head]!.command.isSettled) this.pending[this.head++] = undefined;
    if (this.head >= 1_024 && this.head * 2 >= this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * The timer of the next deadline, which does not keep the process alive: a command in flight
   * does (its connection, or the reconnection's timers), and a process done with Redis exits at
   * once, not at the deadline of its last command.
   */
  private after(ms: number): NodeJS.Timeout {
    return setTimeout(this.due, ms).unref();
  }

  /**
   * The earliest deadline has come, in the timers phase of the event loop, which runs before the
   * loop reads its sockets: after a long turn (a busy process), replies that arrived in time may
   * still wait unread. So the expiry comes after the next poll phase (setImmediate), once they
   * have been read and their commands settled.
   */
  private readonly due = () => {
    setImmediate(this.expire);
  };

  private readonly expire = () => {
    this.timer = undefined;
    const now = performance.now();
    while (this.head < this.pending.length) {
      const { command, at } = this.pending[this.head]!;
      if (!command.isSettled) {
        if (at > now) break;
        command.reject(new Error(COMMAND_TIMED_OUT));
      }
      this.pending[this.head++] = undefined;
    }
    this.release();
    const next = this.pending[this.head];
    if (next) this.timer = this.after(Math.max(0, next.at - now));
    else {
      this.pending = [];
      this.head = 0;
    }
  };
}

/**
 * Makes every command of `client` fail with "Command timed out" when it is not answered within
 * `ms` (counted from when it was sent or queued), as ioredis' `commandTimeout` option does, with
 * one difference: a reply that reached the socket in time is never a timeout, even when the
 * process was too busy to read it before the deadline passed (ioredis' timer fires first then,
 * failing commands Redis had answered). A Redis that does not answer still fails them promptly:
 * at most one turn of the event loop after the deadline.
 *
 * Through the client's public `sendCommand`, which every command and pipeline goes through (a
 * cluster's too, before it picks a node); a command sent again (a cluster's redirection, a
 * reconnection's queue) keeps its first deadline.
 */
export function withCommandDeadline<T extends Redis | Cluster>(client: T, ms: number): T {
  const queue = new DeadlineQueue(ms);
  // A server's sendCommand takes (command, stream), a cluster's (command, stream, node).
  const send = client.sendCommand as (command: Command, stream?: unknown, node?: unknown) => unknown;
  Object.defineProperty(client, 'sendCommand', {
    configurable: true,
    writable: true,
    value: (command: Command, stream?: unknown, node?: unknown) => {
      queue.track(command);
      return send.call(client, command, stream, node);
    },
  });
  deadlines.set(client, ms);
  return client;
}

/** The deadline `withCommandDeadline` gave `client`, for a connection made like it; undefined when none. */
export function commandDeadlineOf(client: Redis | Cluster): number | undefined {
  return deadlines.get(client);
}

/** `duplicate` with the deadline of `source`, if it has one. */
export function withDeadlineOf<T extends Redis | Cluster>(source: Redis | Cluster, duplicate: T): T {
  const ms = commandDeadlineOf(source);
  return ms === undefined ? duplicate : withCommandDeadline(duplicate, ms);
}
