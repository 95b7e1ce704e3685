import { AbstractConnector } from 'ioredis';
import { type Socket, createConnection } from 'node:net';
import { type ConnectionOptions, connect as connectTls } from 'node:tls';

/**
 * Makes a socket's writes of one turn of the event loop leave in one system call: it corks at the
 * turn's first write and uncorks in `setImmediate`, which runs right after the turn's I/O
 * callbacks. Commands keep their order and wait past nothing but the current turn. Set once the
 * socket is connecting: `net.Socket#connect` puts back the prototype's `write`.
 */
function writePerTurn(socket: Socket): void {
  const write = socket.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: Socket, ...args: unknown[]): boolean {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return (write as (...chunks: unknown[]) => boolean).apply(this, args);
  } as Socket['write'];
}

/** What ioredis passes a connector: the connection settings of its options. */
interface ConnectorOptions {
  readonly host?: string;
  readonly port?: number;
  readonly family?: number;
  readonly path?: string;
  readonly tls?: ConnectionOptions;
  readonly disconnectTimeout?: number;
}

/**
 * The write coalescing of `createRedisClient` (`coalesceWrites: true`), through ioredis' public
 * `Connector` option: each connection, reconnections and every node of a cluster included, is
 * made on a socket whose writes go out once per turn (`writePerTurn`; under TLS, the TLS
 * socket's), so the commands of every request that arrived in one turn go to Redis in one write,
 * and Redis reads them in one. It replaces ioredis' StandaloneConnector, whose connection settings
 * it reproduces; the socket is this connector's own, not one ioredis made.
 */
export class CoalescingConnector extends AbstractConnector {
  private readonly options: ConnectorOptions;

  /** @param options ioredis' options of the connection (it passes them untyped) */
  constructor(options: unknown) {
    const settings = options as ConnectorOptions;
    super(settings.disconnectTimeout ?? 2_000);
    this.options = settings;
  }

  connect(): Promise<Socket> {
    this.connecting = true;
    // As ioredis' own connector: the socket is made in the next tick, and not at all if
    // disconnect() came first.
    return new Promise((resolve, reject) => {
      process.nextTick(() => {
        if (!this.connecting) {
          reject(new Error('Connection is closed.'));
          return;
        }
        try {
          const { host, port, family, path, tls } = this.options;
          const target = path ? { path } : { host: host ?? 'localhost', port: port ?? 6379, ...(family ? { family } : {}) };
          this.stream = tls ? connectTls({ ...target, ...tls }) : createConnection(target);
          writePerTurn(this.stream);
        } catch (error) {
          reject(error);
          return;
        }
        this.stream.once('error', (error: Error) => {
          this.firstError = error;
        });
        resolve(this.stream);
      });
    });
  }
}
