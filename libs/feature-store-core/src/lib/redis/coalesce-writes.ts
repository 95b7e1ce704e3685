import { Cluster, type Redis } from 'ioredis';
import type { Socket } from 'node:net';

const coalesced = new WeakSet<Socket>();

/**
 * Makes the commands a client writes in one turn of the event loop leave in one socket write.
 *
 * ioredis writes each command to its socket at once. Under concurrent requests that is one
 * `write` system call per command in the client, and one read per command in Redis. The socket
 * is corked at a turn's first write and uncorked by `setImmediate`, which runs right after the
 * turn's I/O callbacks, so the commands go out together and in order, without waiting past the
 * current turn. Applied to every socket the client connects, reconnections included; on a
 * cluster, to every node's.
 */
export function coalesceWrites(client: Redis | Cluster): void {
  if (client instanceof Cluster) {
    // A new Cluster fills its node pool in a later turn, so '+node' reaches every node.
    client.on('+node', coalesceWrites);
    return;
  }
  client.on('connect', () => corkPerTurn(client.stream as Socket));
}

function corkPerTurn(socket: Socket): void {
  if (coalesced.has(socket)) return;
  coalesced.add(socket);
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  const write = socket.write as (...args: unknown[]) => boolean;
  socket.write = function (this: Socket, ...args: unknown[]): boolean {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return write.apply(this, args);
  } as Socket['write'];
}
