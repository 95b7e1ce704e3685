import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { loadApiConfig } from '../app/api-config';
import { ApiMetrics } from '../metrics/api-metrics';
import { setUpHttp } from './http-layer';
import type { ApiRoute } from './route';
import { type SendNext, writeAtTurnEnd } from './turn-end-writes';

/** Resolves at the check phase of the loop turn after the one it is called in. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

describe('writeAtTurnEnd', () => {
  it('goes on at the check phase of the turn, every response held in the order they became ready', async () => {
    const order: string[] = [];
    writeAtTurnEnd(() => order.push('first'));
    writeAtTurnEnd(() => order.push('second'));
    setImmediate(() => order.push('queued after them'));
    order.push('sync');
    await Promise.resolve();
    order.push('microtask');
    expect(order).toEqual(['sync', 'microtask']);
    await nextTurn();
    expect(order).toEqual(['sync', 'microtask', 'first', 'second', 'queued after them']);
  });

  it('answers with the error a write throws, and still writes the others held with it', async () => {
    const calls: (Error | null | undefined)[] = [];
    const failing: SendNext = (error) => {
      calls.push(error);
      if (error === undefined) throw new Error('invalid header');
    };
    const after = jest.fn();
    writeAtTurnEnd(failing);
    writeAtTurnEnd(after);
    await nextTurn();
    expect(calls).toEqual([undefined, new Error('invalid header')]);
    expect(after).toHaveBeenCalledTimes(1);
  });
});

describe('the API answers through writeAtTurnEnd', () => {
  let fastify: FastifyInstance;
  let base: string;
  /** Whether each probe's response had been written when a check queued by its handler ran. */
  const writtenAtCheck: boolean[] = [];

  const probe = (url: string): ApiRoute => ({
    method: 'GET',
    url,
    schema: { summary: 'probe', tags: ['test'] },
    handler: async (_request, reply: FastifyReply) => {
      setImmediate(() => writtenAtCheck.push(reply.raw.headersSent));
      return { url };
    },
  });

  beforeAll(async () => {
    fastify = Fastify({ requestIdHeader: 'x-request-id' });
    const config = loadApiConfig({ CONSOLE_DIR: '/nonexistent' });
    await setUpHttp(fastify, { config, metrics: new ApiMetrics(), routes: [probe('/a'), probe('/b')] });
    base = await fastify.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(() => fastify.close());

  const get = (path: string) => fetch(`${base}${path}`, { headers: { 'x-request-id': `id${path}` } });

  it('writes a response at the end of the turn it became ready in, with its request id', async () => {
    writtenAtCheck.length = 0;
    for (const path of ['/a', '/b']) {
      const response = await get(path);
      expect([response.status, await response.json(), response.headers.get('x-request-id')]).toEqual([200, { url: path }, `id${path}`]);
    }
    // Each handler queued a check before its response was ready: the response was not yet written then.
    expect(writtenAtCheck).toEqual([false, false]);
  });

  it('answers every request of a burst, each with its own body and id', async () => {
    const paths = Array.from({ length: 40 }, (_, index) => (index % 2 === 0 ? '/a' : '/b'));
    const responses = await Promise.all(paths.map(get));
    expect(responses.map((response) => response.status)).toEqual(paths.map(() => 200));
    expect(await Promise.all(responses.map((response) => response.json()))).toEqual(paths.map((url) => ({ url })));
    expect(responses.map((response) => response.headers.get('x-request-id'))).toEqual(paths.map((path) => `id${path}`));
  });
});
