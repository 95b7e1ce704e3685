import { type TestRedis, deleteNamespace, redisForTests, uniqueNamespace } from '@feature-store/testing';
import { Cluster } from 'ioredis';
import type { Socket } from 'node:net';
import { type RedisClient, type RedisClientOptions, createRedisClient } from './create-redis-client';

const KEYS = 30;

/** The sockets a client sends its commands on: one, or one per master of a cluster. */
const sockets = (client: RedisClient): Socket[] =>
  (client instanceof Cluster ? client.nodes('master') : [client]).map((node) => node.stream as Socket);

/**
 * Sends one GET per key in a single turn of the event loop and counts the writes the sockets hand
 * to the system (`_write` for one chunk, `_writev` for several: each is one system call).
 */
async function writesForOneTurn(client: RedisClient, keys: readonly string[]): Promise<{ writes: number; values: unknown[] }> {
  const counted = sockets(client);
  let writes = 0;
  const restore = counted.map((socket) => {
    const { _write: write, _writev: writev } = socket;
    socket._write = (...args) => {
      writes += 1;
      return write.apply(socket, args);
    };
    socket._writev = (...args) => {
      writes += 1;
      return writev?.apply(socket, args);
    };
    return () => Object.assign(socket, { _write: write, _writev: writev });
  });
  try {
    const values = await Promise.all(keys.map((key) => client.get(key)));
    return { writes, values };
  } finally {
    restore.forEach((undo) => undo());
  }
}

describe('createRedisClient({ coalesceWrites: true }): commands of one turn leave in one write', () => {
  let server: TestRedis;
  let clients: RedisClient[] = [];
  const namespace = uniqueNamespace('coalesce');
  const keys = Array.from({ length: KEYS }, (_, index) => `${namespace}${index}`);

  /** A client whose every socket is connected and has served a command, with the keys written. */
  async function connected(options: RedisClientOptions = {}): Promise<RedisClient> {
    const client = createRedisClient(server.target, options);
    clients.push(client);
    await Promise.all(keys.map((key) => client.set(key, `value of ${key}`)));
    return client;
  }

  beforeAll(async () => {
    server = await redisForTests();
  });

  afterAll(async () => {
    if (clients[0]) await deleteNamespace(clients[0], namespace);
    await Promise.all(clients.map((client) => client.quit()));
    clients = [];
    await server.stop();
  });

  it('sends the commands of one turn with one write per socket, and answers each, with coalesceWrites: true', async () => {
    // Made through ioredis' Connector option: an upgrade that stops using it fails here.
    const client = await connected({ coalesceWrites: true });
    const { writes, values } = await writesForOneTurn(client, keys);
    expect(values).toEqual(keys.map((key) => `value of ${key}`));
    expect(writes).toBe(sockets(client).length);
  });

  it('writes each command on its own by default', async () => {
    const client = await connected();
    const { writes, values } = await writesForOneTurn(client, keys);
    expect(values).toEqual(keys.map((key) => `value of ${key}`));
    expect(writes).toBe(KEYS);
  });

  it('keeps coalescing on the sockets of a reconnection', async () => {
    const client = await connected({ coalesceWrites: true });
    const before = sockets(client);
    const ready = new Promise((resolve) => client.once('ready', resolve));
    client.disconnect(true);
    await ready;
    await Promise.all(keys.map((key) => client.get(key))); // on a cluster, reconnects every master
    expect(sockets(client).some((socket) => before.includes(socket))).toBe(false);
    const { writes, values } = await writesForOneTurn(client, keys);
    expect(values).toEqual(keys.map((key) => `value of ${key}`));
    expect(writes).toBe(sockets(client).length);
  });
});
