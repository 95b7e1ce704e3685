// The transport's failure handling, against local servers that misbehave the ways the real API
// cannot be made to on demand (a reset connection, no answer at all, a read answered 429).
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type AddressInfo, type Socket, type Server as TcpServer, createServer as createTcpServer } from 'node:net';
import { FeatureStoreApiError } from './errors';
import { FeatureStoreClient } from './feature-store-client';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** Servers started by a test, closed after it. */
const running: (() => Promise<void>)[] = [];

async function listen(server: Server | TcpServer, close: () => void): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  running.push(() => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    close();
    return closed;
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** An HTTP server answering with `handler`, recording each request's x-request-id. */
async function httpServer(handler: Handler): Promise<{ url: string; requestIds: string[] }> {
  const requestIds: string[] = [];
  const server = createServer((request, response) => {
    requestIds.push(String(request.headers['x-request-id']));
    request.resume().on('end', () => handler(request, response));
  });
  return { url: await listen(server, () => server.closeAllConnections()), requestIds };
}

/** A TCP server that resets every connection, or keeps each open without a word. */
async function tcpServer(answer: 'reset' | 'silent'): Promise<{ url: string; connections: () => number }> {
  const sockets: Socket[] = [];
  const server = createTcpServer((socket) => {
    sockets.push(socket);
    if (answer === 'reset') socket.resetAndDestroy();
  });
  return { url: await listen(server, () => sockets.forEach((socket) => socket.destroy())), connections: () => sockets.length };
}

const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as FeatureStoreApiError,
  );

describe('http transport', () => {
  afterEach(async () => {
    for (const close of running.splice(0)) await close();
  });

  it('retries a read after connection errors, then fails with CONNECTION_FAILED; a push is tried once', async () => {
    const tcp = await tcpServer('reset');
    const client = new FeatureStoreClient({ baseUrl: tcp.url, retries: 2, retryDelayMs: 1, timeoutMs: 10_000 });

    const read = await failureOf(client.get('user', 'u1'));
    expect(read).toBeInstanceOf(FeatureStoreApiError);
    expect(read).toMatchObject({ code: 'CONNECTION_FAILED', status: null });
    expect(tcp.connections()).toBe(3);

    const push = await failureOf(client.push('user_features', [{ id: 'u1', features: {} }]));
    expect(push).toMatchObject({ code: 'CONNECTION_FAILED', status: null });
    expect(tcp.connections()).toBe(4);
  });

  it('retries a read answered 503 or 429 under one request id, and ends with the API error', async () => {
    let calls = 0;
    const http = await httpServer((_, response) => {
      calls += 1;
      json(response, calls === 1 ? 429 : 503, { detail: 'Feature store unavailable', code: 'REDIS_ERROR' }, { 'retry-after': '0' });
    });
    const client = new FeatureStoreClient({ baseUrl: http.url, retries: 3, retryDelayMs: 1 });

    const error = await failureOf(client.getMany('user', ['a', 'b']));
    expect(error).toMatchObject({ code: 'REDIS_ERROR', detail: 'Feature store unavailable', status: 503, requestId: http.requestIds[0] });
    expect(error.body).toEqual({ detail: 'Feature store unavailable', code: 'REDIS_ERROR' });
    expect(http.requestIds).toHaveLength(4);
    expect(new Set(http.requestIds).size).toBe(1);
  });

  it('gives up at once when Retry-After asks for longer than the call has left', async () => {
    const http = await httpServer((_, response) => json(response, 503, { detail: 'busy', code: 'REDIS_ERROR' }, { 'retry-after': '60' }));
    const client = new FeatureStoreClient({ baseUrl: http.url, retries: 5, timeoutMs: 1_000 });
    expect(await failureOf(client.get('user', 'u1'))).toMatchObject({ status: 503, code: 'REDIS_ERROR' });
    expect(http.requestIds).toHaveLength(1);
  });

  it('does not retry a push answered 503, nor a read answered another error', async () => {
    const http = await httpServer((request, response) =>
      request.url?.startsWith('/v1/push') ? json(response, 503, { detail: 'down', code: 'REDIS_ERROR' }) : json(response, 400, { detail: 'Unknown feature "x"', code: 'UNKNOWN_FEATURE' }),
    );
    const client = new FeatureStoreClient({ baseUrl: http.url, retries: 3, retryDelayMs: 1 });
    expect(await failureOf(client.push('v', [{ id: 'u1', features: {} }]))).toMatchObject({ status: 503 });
    expect(await failureOf(client.get('user', 'u1', { features: ['x'] }))).toMatchObject({ status: 400, code: 'UNKNOWN_FEATURE', detail: 'Unknown feature "x"' });
    expect(http.requestIds).toHaveLength(2);
  });

  it('fails with TIMEOUT when no answer comes within the deadline', async () => {
    const tcp = await tcpServer('silent');
    const client = new FeatureStoreClient({ baseUrl: tcp.url, timeoutMs: 100 });
    expect(await failureOf(client.get('user', 'u1'))).toMatchObject({ code: 'TIMEOUT', status: null });
  });

  it("rejects with the signal's reason when the caller aborts", async () => {
    const tcp = await tcpServer('silent');
    const client = new FeatureStoreClient({ baseUrl: tcp.url, timeoutMs: 10_000 });
    const controller = new AbortController();
    const reason = new Error('the model gave up');
    const call = client.get('user', 'u1', { signal: controller.signal });
    setImmediate(() => controller.abort(reason));
    await expect(call).rejects.toBe(reason);
    await expect(client.get('user', 'u1', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  it('fails with INVALID_RESPONSE on an answer that is not the API\'s JSON', async () => {
    const http = await httpServer((request, response) => (request.url === '/v1/features/user/a' ? response.end('<html>') : response.writeHead(502).end('Bad gateway')));
    const client = new FeatureStoreClient({ baseUrl: http.url });
    expect(await failureOf(client.get('user', 'a'))).toMatchObject({ code: 'INVALID_RESPONSE', status: 200 });
    expect(await failureOf(client.get('user', 'b'))).toMatchObject({ code: 'INVALID_RESPONSE', status: 502, detail: 'HTTP 502: Bad gateway' });
  });

  it('keeps a base path, and sends the API key', async () => {
    const seen: { url?: string; key?: string }[] = [];
    const http = await httpServer((request, response) => {
      seen.push({ url: request.url, key: request.headers['x-api-key'] as string | undefined });
      json(response, 200, { entity: 'user', id: 'a/b', features: { age: 3 }, expired: [] });
    });
    const client = new FeatureStoreClient({ baseUrl: `${http.url}/store`, apiKey: 'secret-key-0123456789' });
    expect(await client.get('user', 'a/b c', { features: ['age'] })).toEqual({ age: 3 });
    expect(seen).toEqual([{ url: '/store/v1/features/user/a%2Fb%20c?features=age', key: 'secret-key-0123456789' }]);
  });

  it('refuses options that cannot work', () => {
    expect(() => new FeatureStoreClient({ baseUrl: 'ftp://host' })).toThrow('http(s)');
    expect(() => new FeatureStoreClient({ baseUrl: 'http://host', retries: -1 })).toThrow('retries');
    expect(() => new FeatureStoreClient({ baseUrl: 'http://host', timeoutMs: 0 })).toThrow('timeoutMs');
  });
});
