import { type SpawnedRedis, spawnRedisServer, uniqueNamespace } from '@feature-store/testing';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { type Browser, launchChromium } from './browser';
import { type Api, type Ingestor, ROOT, startApi, startIngestor } from './stack';

/**
 * The built console in Chromium, served by the built API on a private Redis, with the built
 * ingestor writing: what a user sees, read from the page. Figures (transfer size, time to
 * interactive) are measured and written to reports/console/, never asserted.
 */

const REPORTS = join(ROOT, 'reports/console');
const WRITER = 'console-writer-0123456789';
const READER = 'console-reader-0123456789';
const KEYS = `ingest:${WRITER}:write,model:${READER}:read`;
const P50_COLOR = [0x00, 0x72, 0xb2]; // SERIES_COLORS[0] of src/shell/theme.ts
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

jest.setTimeout(90_000);

let redis: SpawnedRedis;
let ingestor: Ingestor;
let api: Api;
let feast: Api;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(REPORTS, { recursive: true });
  redis = await spawnRedisServer();
  const namespace = uniqueNamespace('console');
  const common = { REDIS_URL: redis.url, REDIS_CLUSTER_NODES: '', KEY_NAMESPACE: namespace };
  ingestor = await startIngestor({ ...common, INGEST_SEED_COUNT: '50', INGEST_BATCH_SIZE: '10', INGEST_INTERVAL_MS: '200' });
  api = await startApi({ ...common, API_KEYS: KEYS, INGESTOR_METRICS_URL: ingestor.metricsUrl });
  // Feast's example registry (an int join key, a composite key, a service, push sources), reads behind a key.
  feast = await startApi({
    ...common,
    KEY_NAMESPACE: uniqueNamespace('console-feast'),
    REGISTRY_PATH: 'registry/examples/feast-driver.yaml',
    API_KEYS: KEYS,
    READS_REQUIRE_KEY: 'true',
    INGESTOR_METRICS_URL: 'off',
  });
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([api, feast, ingestor].map((app) => app?.stop()));
  await redis?.stop();
});

/** A new tab, failing the test on any error the page logs (a blocked script or style included). */
async function newPage(allowed: RegExp | null = null): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !(allowed?.test(message.text()) ?? false)) errors.push(message.text());
  });
  return { page, errors };
}

async function post(base: string, path: string, body: unknown, key?: string) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

/** axe-core's WCAG 2.1 A/AA and best-practice checks of the page as it stands (contrast, labels, landmarks). */
async function accessibilityViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the page's content security policy stays on.
  await page.evaluate(AXE);
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe.run(
      document,
      { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    ),
  );
  return results.violations.map(({ id, nodes }) => `${id}: ${nodes.map(({ target }) => target.join(' ')).join(', ')}`);
}

/** True when a canvas under `selector` holds pixels of `rgb`: the line was drawn, not just the frame. */
function drawsColor(page: Page, selector: string, rgb: number[]): Promise<boolean> {
  return page.evaluate(
    ([css, [r, g, b]]) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`${css} canvas`);
      const pixels = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
      if (!pixels) return false;
      for (let i = 0; i < pixels.length; i += 4) {
        if (Math.abs(pixels[i]! - r!) < 24 && Math.abs(pixels[i + 1]! - g!) < 24 && Math.abs(pixels[i + 2]! - b!) < 24) return true;
      }
      return false;
    },
    [selector, rgb] as const,
  );
}

/** At a phone's width, nothing pushes the page sideways. */
const overflowsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

describe('the console on the default registry', () => {
  it('loads cold, lists user_features, and is measured: bytes transferred and time to interactive', async () => {
    const { page, errors } = await newPage();
    const encodings: Record<string, string> = {};
    page.on('response', (response) => {
      encodings[new URL(response.url()).pathname] = response.headers()['content-encoding'] ?? 'identity';
    });
    // Installed before the page's own scripts: when the registry is first on screen, and the long tasks.
    await page.addInitScript(() => {
      const probe = { rendered: null as number | null, longTaskEnds: [] as number[] };
      Object.assign(window, { __coldLoad: probe });
      new PerformanceObserver((list) => list.getEntries().forEach((entry) => probe.longTaskEnds.push(entry.startTime + entry.duration))).observe({ type: 'longtask', buffered: true });
      new MutationObserver((_, observer) => {
        if (document.querySelector('[data-testid="view-user_features"]')) {
          probe.rendered = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(`${api.url}/ui/`, { waitUntil: 'load' });
    const view = page.getByTestId('view-user_features');
    await view.waitFor();
    await page.waitForLoadState('networkidle');
    const measured = await page.evaluate(() => {
      const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const probe = (window as unknown as { __coldLoad: { rendered: number | null; longTaskEnds: number[] } }).__coldLoad;
      const files = [navigation, ...resources].map((entry) => ({
        path: new URL(entry.name).pathname,
        transferred: entry.transferSize,
        decoded: entry.decodedBodySize,
      }));
      return {
        files,
        firstContentfulPaintMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
        domContentLoadedMs: navigation.domContentLoadedEventEnd,
        registryRenderedMs: probe.rendered,
        lastLongTaskEndMs: probe.longTaskEnds.length === 0 ? null : Math.max(...probe.longTaskEnds),
      };
    });
    const statics = measured.files.filter(({ path }) => path.startsWith('/ui'));
    const sum = (list: typeof statics, field: 'transferred' | 'decoded') => list.reduce((total, file) => total + file[field], 0);
    // Interactive: the registry is on screen and no long task is left to block input after it.
    const timeToInteractiveMs = Math.max(measured.registryRenderedMs ?? 0, measured.lastLongTaskEndMs ?? 0, measured.domContentLoadedMs);
    const report = {
      measuredAt: new Date().toISOString(),
      page: '/ui/ (registry), cold: new Chromium profile, API on 127.0.0.1',
      // Times depend on what else the machine runs: they are read beside its load.
      machine: { cpus: cpus().length, loadAverage1m: Number(loadavg()[0]!.toFixed(2)) },
      transferredBytes: { console: sum(statics, 'transferred'), consoleDecoded: sum(statics, 'decoded'), withData: sum(measured.files, 'transferred') },
      timeToInteractiveMs: Math.round(timeToInteractiveMs),
      ...measured,
      encodings: Object.fromEntries(statics.map(({ path }) => [path, encodings[path] ?? 'unknown'])),
    };
    writeFileSync(join(REPORTS, 'cold-load.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(
      `cold load of /ui/: ${report.transferredBytes.console} bytes transferred for the console's files ` +
        `(${report.transferredBytes.consoleDecoded} decoded; ${report.transferredBytes.withData} with the registry's data), ` +
        `interactive after ${report.timeToInteractiveMs} ms (first contentful paint ${Math.round(report.firstContentfulPaintMs ?? 0)} ms)`,
    );

    await view.getByRole('heading', { name: 'user_features' }).waitFor();
    const features = await view.locator('tbody tr').allInnerTexts();
    expect(features.map((row) => row.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'age int',
      'gender string',
      'purchase_count_30d int',
      'avg_session_duration_min float',
      'preferred_category string',
    ]);
    expect(await page.getByRole('region', { name: 'Entities', exact: true }).innerText()).toContain('user_id');
    await page.screenshot({ path: join(REPORTS, 'registry.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('searches the registry, keeping the search in the link', async () => {
    const { page, errors } = await newPage();
    /** The rows of user_features' feature table, once there are `count` of them. */
    const features = async (count: number) => {
      await page.waitForFunction((rows) => document.querySelectorAll('[data-testid="view-user_features"] tbody tr').length === rows, count);
      return page.getByTestId('view-user_features').locator('tbody tr').allInnerTexts();
    };
    await page.goto(`${api.url}/ui/`);
    await features(5);
    await page.getByLabel('Search the registry').fill('purchase');
    await page.waitForURL(/\/ui\/\?q=purchase$/);
    await expect(features(1)).resolves.toEqual([expect.stringMatching(/^purchase_count_30d\s+int/)]);
    await page.getByLabel('Search the registry').fill('no such feature');
    await page.getByText('Feature views (0)').waitFor();
    await page.goto(`${api.url}/ui/?q=session`);
    await expect(features(1)).resolves.toEqual([expect.stringMatching(/^avg_session_duration_min\s+float/)]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('looks up user00001 by keyboard: typed values with statuses and ages, a link, and the curl command', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${api.url}/ui/`);
    await page.getByTestId('view-user_features').waitFor();
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to the content');
    await page.getByRole('link', { name: 'Lookup' }).click();
    await page.getByLabel('user_id (string)').focus();
    await page.keyboard.type('user00001, nobody');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${api.url}/ui/lookup?entity=user&ids=user00001,nobody`);
    const rows = page.getByTestId('lookup-row');
    await rows.first().waitFor();
    const found = rows.filter({ hasText: 'user_id = "user00001"' });
    const cells = async (feature: string) => (await found.locator('tr', { hasText: feature }).locator('td').allInnerTexts()).map((text) => text.replace(/^[^:]+:\s*/, '').trim());
    const [ageType, age, ageStatus, ageTime] = await cells('user_features:age');
    expect([ageType, ageStatus]).toEqual(['int', 'PRESENT']);
    expect(age).toMatch(/^\d+$/);
    expect(ageTime).toMatch(/^\d+ (s|min) ago$/);
    const [, gender] = await cells('user_features:gender');
    expect(gender).toMatch(/^"[MF]"$/);
    const [, session] = await cells('user_features:avg_session_duration_min');
    expect(Number(session)).not.toBeNaN();
    // An unknown id says so.
    const missing = rows.filter({ hasText: 'user_id = "nobody"' });
    await expect(missing.innerText()).resolves.toMatch(/not found[\s\S]*Nothing is stored for this key/i);
    const curl = await page.getByTestId('curl-command').innerText();
    expect(curl).toContain(`curl -X POST '${api.url}/v1/features'`);
    expect(curl).toContain('"rows":[{"user_id":"user00001"},{"user_id":"nobody"}]');
    await page.screenshot({ path: join(REPORTS, 'lookup.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows exactly what the API answers, for a link opened anew', async () => {
    const event = '2026-11-30T08:00:00.000Z';
    const written = await post(api.url, '/v1/push/user_features', { rows: [{ id: 'console-user', event_ts: event, features: { age: 41, gender: 'F', avg_session_duration_min: 12.5 } }] }, WRITER);
    expect(written.status).toBe(200);
    const { page, errors } = await newPage();
    await page.goto(`${api.url}/ui/lookup?entity=user&ids=console-user,nobody`);
    await page.getByText("The API's answer, exactly as it sent it").click();
    const shown = await page.locator('details pre').innerText();
    const body = JSON.parse((await page.getByTestId('curl-command').innerText()).match(/-d '(.*)'$/s)![1]!);
    expect(shown).toBe((await post(api.url, '/v1/features', body)).text);
    const row = page.getByTestId('lookup-row').filter({ hasText: 'console-user' });
    await expect(row.locator('tr', { hasText: 'user_features:purchase_count_30d' }).innerText()).resolves.toMatch(/null\s+NULL_VALUE/);
    await expect(row.locator('time').first().getAttribute('datetime')).resolves.toBe(event);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('plots freshness and health: ages served, rows written by source, requests per route', async () => {
    for (let read = 0; read < 20; read++) await post(api.url, '/v1/features', { rows: [{ user_id: `user000${10 + read}` }], features: ['user_features:age'] });
    const { page, errors } = await newPage();
    await page.goto(`${api.url}/ui/health`);
    // The API samples its metrics every 5 s and the page asks every 5 s: the plot draws within seconds.
    await page.waitForFunction(() => document.querySelector('[data-testid="health-user_features-age"] canvas') !== null, null, { timeout: 30_000 });
    await page.waitForFunction(() => /simulator/.test(document.querySelector('[data-testid="health-user_features-rows"]')?.textContent ?? ''), null, { timeout: 30_000 });
    await expect(drawsColor(page, '[data-testid="health-user_features-age"]', P50_COLOR)).resolves.toBe(true);
    await expect(page.getByText('Ingestor metrics').locator('..').innerText()).resolves.toMatch(/up/i);
    await expect(page.getByTestId('health-user_features').getAttribute('data-freshness')).resolves.toBe('unbounded');
    await expect(page.getByRole('region', { name: 'Routes', exact: true }).innerText()).resolves.toContain('POST /v1/features');
    await page.getByTestId('health-requests').locator('canvas').waitFor();
    await page.screenshot({ path: join(REPORTS, 'health.png'), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it.each([
    ['registry', '/ui/', 'view-user_features'],
    ['lookup', '/ui/lookup?entity=user&ids=user00001', 'lookup-row'],
    ['health', '/ui/health', 'health-user_features'],
  ])('reads at a phone\'s width: %s', async (name, path, testId) => {
    const { page, errors } = await newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${api.url}${path}`);
    await page.getByTestId(testId).first().waitFor();
    await expect(overflowsSideways(page)).resolves.toBe(false);
    await page.screenshot({ path: join(REPORTS, `${name}-phone.png`), fullPage: true });
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the console with READS_REQUIRE_KEY=true, on Feast\'s example registry', () => {
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    const rows = [
      { id: 1001, features: { conv_rate: 0.5, acc_rate: 0.9, avg_daily_trips: 12 } },
      // Two days old: past the view's max age of a day.
      { id: 1003, event_ts: Date.now() - 2 * 86_400_000, features: { conv_rate: 0.25, acc_rate: 0.5, avg_daily_trips: 3 } },
    ];
    expect((await post(feast.url, '/v1/push/driver_hourly_stats', { rows }, WRITER)).status).toBe(200);
    const together = [{ id: { driver_id: 1001, customer_id: 'c1' }, features: { trips_together: 3 } }];
    expect((await post(feast.url, '/v1/push/driver_customer_stats', { rows: together }, WRITER)).status).toBe(200);
    // The page reads without a key first: those 401s and 403s are expected in its console.
    ({ page, errors } = await newPage(/status of 40[13]/));
    await page.goto(`${feast.url}/ui/`);
  });

  afterAll(() => page?.close());

  const useKey = async (key: string) => {
    await page.getByLabel('API key', { exact: true }).fill(key);
    await page.getByRole('button', { name: 'Use key' }).click();
  };

  it('shows nothing without a key with the read scope, and says which key it needs', async () => {
    await expect(page.getByRole('alert').innerText()).resolves.toContain('needs a key with the read scope');
    await useKey(WRITER);
    await page.getByText('This key lacks the read scope').waitFor();
    await expect(page.getByTestId('view-driver_hourly_stats').count()).resolves.toBe(0);
  });

  it('lists the registry with a read key, which it keeps in memory only', async () => {
    await useKey(READER);
    await page.getByTestId('view-driver_hourly_stats').waitFor();
    await expect(page.getByTestId('view-driver_hourly_stats').innerText()).resolves.toMatch(/driver_id \(int\)[\s\S]*max age 24 h/);
    await page.getByRole('heading', { name: /driver_activity/ }).waitFor();
    await expect(page.getByRole('region', { name: 'Push sources', exact: true }).innerText()).resolves.toContain('driver_stats_push_source');
    const traces = await page.evaluate(() => ({
      url: window.location.href,
      html: document.documentElement.outerHTML,
      stored: localStorage.length + sessionStorage.length,
      cookies: document.cookie,
    }));
    expect(traces.url).not.toContain(READER);
    expect(traces.html).not.toContain(READER);
    expect(traces).toMatchObject({ stored: 0, cookies: '' });
    await expect(browser.context.cookies()).resolves.toEqual([]);
  });

  /** Fills the lookup form (the page stays loaded: a new page load would forget the key). */
  const lookUp = async (target: string, ids: Record<string, string>) => {
    await page.getByLabel('Look up', { exact: true }).selectOption({ label: target });
    for (const [label, value] of Object.entries(ids)) await page.getByLabel(label).fill(value);
    await page.getByRole('button', { name: 'Look up' }).click();
  };
  const valueOf = (row: string, feature: string) =>
    page.getByTestId('lookup-row').filter({ hasText: row }).locator('tr', { hasText: feature }).getByTestId('feature-value').innerText();

  it('looks up an entity whose join key is an int, sending it as a number', async () => {
    await page.getByRole('link', { name: 'Lookup' }).click();
    await lookUp('driver (driver_id)', { 'driver_id (int)': '1001 1002' });
    await page.waitForURL(/\/ui\/lookup\?entity=driver&ids=1001,1002$/);
    await expect(valueOf('driver_id = 1001', 'conv_rate')).resolves.toBe('0.5');
    await expect(valueOf('driver_id = 1001', 'avg_daily_trips')).resolves.toBe('12');
    await expect(page.getByTestId('lookup-row').filter({ hasText: 'driver_id = 1002' }).innerText()).resolves.toMatch(/not found/i);
    const curl = await page.getByTestId('curl-command').innerText();
    expect(curl).toContain('"rows":[{"driver_id":1001},{"driver_id":1002}]');
    expect(curl).toContain('-H "x-api-key: $FEATURE_STORE_API_KEY"');
    expect(curl).not.toContain(READER);
  });

  it('marks a row older than its view\'s max age', async () => {
    await lookUp('driver (driver_id)', { 'driver_id (int)': '1003' });
    const row = page.getByTestId('lookup-row').filter({ hasText: 'driver_id = 1003' });
    await expect(row.locator('tr', { hasText: 'conv_rate' }).innerText()).resolves.toMatch(/null\s+OUTSIDE_MAX_AGE/);
  });

  it('looks up a composite key: a row names every join key', async () => {
    await lookUp('driver + customer (driver_id, customer_id)', { 'driver_id (int)': '1001', 'customer_id (string)': 'c1' });
    await page.waitForURL(/\/ui\/lookup\?entity=driver%2Bcustomer&driver_id=1001&customer_id=c1$/);
    await expect(valueOf('customer_id = "c1"', 'trips_together')).resolves.toBe('3');
  });

  it('looks up a feature service', async () => {
    await lookUp('driver_activity v1', { 'driver_id (int)': '1001' });
    await page.waitForURL(/\/ui\/lookup\?service=driver_activity&ids=1001$/);
    await page.getByText('Feature service driver_activity version 1').waitFor();
    await expect(valueOf('driver_id = 1001', 'acc_rate')).resolves.toBe('0.9');
  });

  it('names ids that do not fit the join key\'s type', async () => {
    await lookUp('driver (driver_id)', { 'driver_id (int)': 'abc' });
    await expect(page.getByRole('alert').innerText()).resolves.toContain('driver_id: "abc" is not an integer');
  });

  it('makes a view whose rows served are older than its max age stand out', async () => {
    for (let read = 0; read < 5; read++) await lookUp('driver (driver_id)', { 'driver_id (int)': '1003' });
    await page.getByRole('link', { name: 'Freshness and health' }).click();
    const card = page.getByTestId('health-driver_hourly_stats');
    await page.waitForFunction(() => document.querySelector('[data-testid="health-driver_hourly_stats"]')?.getAttribute('data-freshness') === 'stale', null, { timeout: 30_000 });
    await expect(card.innerText()).resolves.toMatch(/older than its max age/i);
    await card.screenshot({ path: join(REPORTS, 'health-stale-view.png') });
    await expect(page.getByText('Ingestor metrics').locator('..').innerText()).resolves.toMatch(/off/i);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
