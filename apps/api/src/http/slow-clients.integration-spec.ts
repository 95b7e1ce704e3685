import { type SpawnedRedis, eventually, spawnRedisServer } from '@feature-store/testing';
import { get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { type BuiltApi, spawnBuiltApi } from '../testing/built-api';

const REQUEST_TIMEOUT_MS = 1_500;
const NO_DEADLINE_MS = 600_000;
const MAX_CONNECTIONS = 20;
const WRITER = 'slow-writer-key-0123456789';

/** Opens a raw connection to the API and resolves once connected. */
function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * The status of a GET on a connection of its own, as a new client: a pooled keep-alive connection
 * (fetch's) may be one the cap is closing as the request goes out (it was idle), which fails the
 * request with ECONNRESET: the cap's rule, not what these tests judge.
 */
function statusOnNewConnection(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).once('error', reject);
  });
}

/** Resolves with what the server sent, once it closes the connection. */
function closed(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.once('close', () => resolve(received));
    socket.once('error', () => undefined);
  });
}

/**
 * Clients that send part of a request and stall (slow bodies, slow-loris) on the built API, as a
 * hostile client would over a real socket: every request has a deadline, the body limit holds as
 * bytes arrive, connections are capped, and normal clients are served throughout.
 */
describe('slow and greedy clients', () => {
  let redis: SpawnedRedis;
  /** Every request's deadline is REQUEST_TIMEOUT_MS. */
  let api: BuiltApi;
  /**
   * The same cap, with a deadline no test reaches: which connection the cap closes is then not
   * confused with one the deadline closed (on a slow machine, opening MAX_CONNECTIONS connections
   * can outlast REQUEST_TIMEOUT_MS).
   */
  let capped: BuiltApi;
  let redisPaused = false;
  const url = (path: string, on: BuiltApi = api) => `http://127.0.0.1:${on.port}${path}`;

  beforeAll(async () => {
    redis = await spawnRedisServer();
    const start = async (requestTimeoutMs: number) => {
      const started = await spawnBuiltApi({
        ...redis.env,
        REQUEST_TIMEOUT_MS: String(requestTimeoutMs),
        // Reads wait on a paused Redis for the whole of the last test.
        REDIS_COMMAND_TIMEOUT_MS: '5000',
        MAX_CONNECTIONS: String(MAX_CONNECTIONS),
        BODY_LIMIT_BYTES: '4096',
        API_KEYS: `w:${WRITER}:write`,
        LOG_LEVEL: 'warn',
      });
      await eventually('the API to become ready', 20_000, async () => (await fetch(url('/health/ready', started))).ok, 100);
      return started;
    };
    [api, capped] = await Promise.all([start(REQUEST_TIMEOUT_MS), start(NO_DEADLINE_MS)]);
  }, 30_000);

  afterAll(async () => {
    api.process.kill('SIGKILL');
    capped.process.kill('SIGKILL');
    await redis.stop();
  });

  it('closes a connection whose request stalls part-way (headers, or a part of the body) at the deadline', async () => {
    const started = Date.now();
    const partBody = await open(api.port);
    const partBodyClosed = closed(partBody);
    partBody.write(`POST /features/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n{"user_ids":[`);
    const partHeaders = await open(api.port);
    const partHeadersClosed = closed(partHeaders);
    partHeaders.write('GET /health HTTP/1.1\r\nHost: x\r\n');
    // Meanwhile, normal clients are served.
    expect((await fetch(url('/health/live'))).status).toBe(200);
    const [bodyAnswer, headersAnswer] = await Promise.all([partBodyClosed, partHeadersClosed]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    expect(bodyAnswer).toMatch(/^HTTP\/1\.1 408|^$/);
    expect(headersAnswer).toMatch(/^HTTP\/1\.1 408|^$/);
  }, 15_000);

  it('refuses a body over the limit as soon as the bytes exceed it, not at its end', async () => {
    const socket = await open(api.port);
    const answer = closed(socket);
    socket.write(`POST /v1/push/user_features HTTP/1.1\r\nHost: x\r\nx-api-key: ${WRITER}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const chunk = 'x'.repeat(1_000);
    for (let n = 0; n < 6; n++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    // The body is not finished (no last chunk): the answer comes from the limit, not the end.
    const text = await Promise.race([answer, new Promise<string>((resolve) => setTimeout(() => resolve('no answer'), 1_200))]);
    socket.destroy();
    expect(text).toMatch(/^HTTP\/1\.1 413/);
  });

  it('holds at most MAX_CONNECTIONS connections: stalled ones give way to new clients, longest stalled first', async () => {
    const stalledBody = async () => {
      const socket = await open(capped.port);
      socket.write(`POST /features/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n{"user_ids":[`);
      return socket;
    };
    // Every connection taken by a client that stalls part-way through its body.
    const held: Socket[] = [];
    for (let n = 0; n < MAX_CONNECTIONS; n++) held.push(await stalledBody());
    const gone = held.map(() => false);
    held.forEach((socket, n) => socket.once('close', () => (gone[n] = true)));

    // A new client is served at once: the longest-stalled connection made way for it.
    expect(await statusOnNewConnection(capped.port, '/health/live')).toBe(200);
    await eventually('the longest-stalled connection to be closed', 2_000, async () => gone[0] === true, 20);
    // The cap holds and no other stalled client lost its connection for it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(gone.flatMap((isGone, n) => (isGone ? [n] : []))).toEqual([0]);
    for (const socket of held) socket.destroy();
    await eventually('the API to serve again', 5_000, async () => (await statusOnNewConnection(capped.port, '/health/live')) === 200, 50);
  });

  it('never cuts a request being answered to make room: the new connection is closed instead', async () => {
    // MAX_CONNECTIONS reads whose requests arrived whole, kept waiting on a paused Redis.
    redisPaused = true;
    redis.process.kill('SIGSTOP');
    try {
      const answers = Array.from({ length: MAX_CONNECTIONS }, () =>
        statusOnNewConnection(api.port, '/v1/features/user/u1').catch(() => 0),
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const extra = await open(api.port).catch(() => null);
      const extraAnswer = extra ? await closed(extra) : '';
      expect(extraAnswer).toBe('');
      redis.process.kill('SIGCONT');
      redisPaused = false;
      // Every request was answered once Redis was back, none cut.
      expect(new Set(await Promise.all(answers))).toEqual(new Set([404]));
    } finally {
      if (redisPaused) redis.process.kill('SIGCONT');
    }
  }, 15_000);
});
