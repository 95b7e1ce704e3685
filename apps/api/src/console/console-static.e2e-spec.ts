import { type TestRedis, redisForTests } from '@feature-store/testing';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { type TestApi, startTestApi } from '../testing/test-api';

const READER = 'reader-key-0123456789';
const SCRIPT = 'console.log("the console");\n'.repeat(20);

/** A built console as Vite lays it out: index.html, hashed assets with their Brotli copies, a public file. */
function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'console-build-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Feature store console</title><script type="module" src="/ui/assets/index-abc123.js"></script>');
  writeFileSync(join(dir, 'assets/index-abc123.js'), SCRIPT);
  writeFileSync(join(dir, 'assets/index-abc123.js.br'), brotliCompressSync(SCRIPT));
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

describe('GET /ui: the built console', () => {
  let redis: TestRedis;
  let open: TestApi;
  let keyed: TestApi;
  let unbuilt: TestApi;
  let build: string;
  const get = (api: TestApi, url: string, headers: Record<string, string> = {}) =>
    api.app.getHttpAdapter().getInstance().inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    // One Redis for the suite's apps: a private server, or REDIS_URL / the cluster of REDIS_CLUSTER_NODES when set.
    redis = await redisForTests();
    build = fakeBuild();
    open = await startTestApi({ CONSOLE_DIR: build, INGESTOR_METRICS_URL: 'off' }, redis);
    keyed = await startTestApi({ CONSOLE_DIR: build, INGESTOR_METRICS_URL: 'off', READS_REQUIRE_KEY: 'true', API_KEYS: `model:${READER}:read` }, redis);
    unbuilt = await startTestApi({ CONSOLE_DIR: join(build, 'missing'), INGESTOR_METRICS_URL: 'off' }, redis);
  });

  afterAll(async () => {
    await Promise.all([open, keyed, unbuilt].map((api) => api?.close()));
    await redis?.stop();
    rmSync(build, { recursive: true, force: true });
  });

  it.each(['/ui', '/ui/', '/ui/lookup?entity=user&ids=user00001,user00002', '/ui/registry/deeper'])(
    '%s: the page (index.html), never cached stale, with a policy that runs only its own scripts',
    async (url) => {
      const response = await get(open, url);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.body).toContain('<title>Feature store console</title>');
      expect(response.headers).toMatchObject({ 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it('serves a hashed asset for a year, Brotli-compressed when the client takes it', async () => {
    const compressed = await get(open, '/ui/assets/index-abc123.js', { 'accept-encoding': 'gzip, br' });
    expect(compressed.statusCode).toBe(200);
    expect(compressed.headers).toMatchObject({ 'content-encoding': 'br', 'cache-control': 'public, max-age=31536000, immutable', vary: 'accept-encoding' });
    expect(compressed.headers['content-type']).toMatch(/javascript/);
    expect(compressed.rawPayload).toEqual(brotliCompressSync(SCRIPT));
    const plain = await get(open, '/ui/assets/index-abc123.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);
  });

  it('revalidates a file outside assets/, whose name does not change with its content', async () => {
    const response = await get(open, '/ui/favicon.svg');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it.each(['/ui/assets/missing.js', '/ui/%2e%2e/package.json', '/ui/assets/index-abc123.js.br', '/ui/../../etc/passwd'])(
    '%s: 404 with the error body, nothing outside the build',
    async (url) => {
      const response = await get(open, url);
      expect(response.statusCode).toBe(404);
      expect(Object.keys(response.json()).sort()).toEqual(['code', 'detail']);
    },
  );

  it('is public when reads need a key: the files hold no data', async () => {
    expect((await get(keyed, '/ui/lookup')).statusCode).toBe(200);
    expect((await get(keyed, '/ui/assets/index-abc123.js')).statusCode).toBe(200);
  });

  it('counts its requests under one route, /ui/*, not one per file', async () => {
    await get(open, '/ui/assets/index-abc123.js');
    const metrics = (await open.request('GET', '/metrics')).body;
    expect(metrics).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/ui\/\*",status="200"\} [1-9]/);
    expect(metrics).not.toContain('route="/ui/assets/');
  });

  it('says how to build the console when CONSOLE_DIR holds none', async () => {
    const response = await get(unbuilt, '/ui');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ code: 'NOT_FOUND', detail: expect.stringContaining('npx nx run console:build') });
  });
});
