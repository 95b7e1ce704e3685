import { eventually, freePort } from '@feature-store/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = join(__dirname, '../../..');

/** A built app: the production build of the API or the ingestor, as `npm start` runs it. */
export interface BuiltApp {
  readonly process: ChildProcess;
  /** Its last lines of output, to show when it does not come up. */
  readonly output: string[];
  stop(): Promise<void>;
}

/**
 * Starts a built app (dist/, built by the integration target's dependencies) from the
 * repository root with `env` over this process's environment. The API's spec helper
 * (apps/api/src/testing/built-api.ts) does this for the API alone; an app may not import
 * another app, so the console's test has its own.
 */
function spawnBuilt(main: string, args: readonly string[], env: Record<string, string>): BuiltApp {
  const child = spawn(process.execPath, [join(ROOT, main), ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => output.splice(0, Math.max(0, output.push(line) - 50)));
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface Api extends BuiltApp {
  readonly url: string;
}

/** The built API on 127.0.0.1 and a free port, once GET /health/ready answers 200. */
export async function startApi(env: Record<string, string>): Promise<Api> {
  const port = await freePort();
  const app = spawnBuilt('dist/apps/api/apps/api/src/main.js', [], { HOST: '127.0.0.1', PORT: String(port), ...env });
  const url = `http://127.0.0.1:${port}`;
  await ready('the API', app, async () => (await fetch(`${url}/health/ready`)).status === 200);
  return { ...app, url };
}

export interface Ingestor extends BuiltApp {
  readonly metricsUrl: string;
}

/** The built ingestor (seeding, then simulating and consuming streams), once its metrics answer. */
export async function startIngestor(env: Record<string, string>): Promise<Ingestor> {
  const port = await freePort();
  const app = spawnBuilt('dist/apps/ingestor/apps/ingestor/src/main.js', ['run'], { INGEST_METRICS_PORT: String(port), INGEST_METRICS_HOST: '127.0.0.1', ...env });
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;
  await ready('the ingestor', app, async () => (await fetch(metricsUrl)).status === 200);
  return { ...app, metricsUrl };
}

async function ready(what: string, app: BuiltApp, answers: () => Promise<boolean>): Promise<void> {
  try {
    await eventually(what, 30_000, async () => {
      if (app.process.exitCode !== null) throw new Error(`${what} exited with code ${app.process.exitCode}`);
      return answers();
    }, 100);
  } catch (error) {
    await app.stop();
    throw new Error(`${(error as Error).message}; its last output:\n${app.output.join('\n')}`);
  }
}
