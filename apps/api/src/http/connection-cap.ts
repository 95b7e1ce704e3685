import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The request a connection carries now, and when it began. */
interface Current {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly since: number;
}

/**
 * At most `max` open connections. Past it, a new connection takes the place of the one that has
 * waited longest without a request being answered: a connection whose request has not arrived
 * whole (headers or body still coming: a slow or stalled client), or one idle between requests;
 * the age counts from its request's start (or from the connection, before any request). A
 * connection whose request arrived whole and is being answered is never closed: when every
 * connection is such, the new one is closed at once. So clients that stall cannot hold every
 * connection against new ones, and memory stays bounded (at most `max` connections, each with at
 * most a body limit of buffered bytes).
 */
export function capConnections(server: Server, max: number, clock: () => number = Date.now): void {
  const open = new Map<Socket, number>();
  const current = new WeakMap<Socket, Current>();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    current.set(request.socket, { request, response, since: clock() });
  });
  server.on('connection', (socket: Socket) => {
    if (open.size >= max) {
      const stalled = longestWaiting(open, current);
      if (!stalled) {
        socket.destroy();
        return;
      }
      stalled.destroy();
      open.delete(stalled);
    }
    open.set(socket, clock());
    socket.once('close', () => open.delete(socket));
  });
}

/** The connection waiting longest without a request being answered, if any. */
function longestWaiting(open: ReadonlyMap<Socket, number>, current: WeakMap<Socket, Current>): Socket | undefined {
  let oldest: Socket | undefined;
  let oldestSince = Infinity;
  for (const [socket, connectedAt] of open) {
    const now = current.get(socket);
    const answering = now !== undefined && now.request.complete && !now.response.writableFinished;
    const since = now?.since ?? connectedAt;
    if (!answering && since < oldestSince) {
      oldest = socket;
      oldestSince = since;
    }
  }
  return oldest;
}
