import { eventually, freePort } from '@feature-store/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** The workspace root, where the API runs (its REGISTRY_PATH is relative to it). */
export const WORKSPACE = join(__dirname, '../../../..');
const MAIN = join(WORKSPACE, 'dist/apps/api/apps/api/src/main.js');

export interface BuiltApi {
  readonly url: string;
  /** The lines written to stdout so far (the log: one JSON object a line). */
  readonly log: readonly string[];
  stop(): Promise<void>;
}

/**
 * The production build of the API (dist/, built by the integration target's dependency) on
 * 127.0.0.1 and a free port, with `env` over this process's environment; resolves once it is
 * ready (GET /health/ready answers 200), as apps/api/src/testing/built-api.ts starts it for the
 * API's own specs.
 */
export async function startBuiltApi(env: Readonly<Record<string, string>>): Promise<BuiltApi> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    cwd: WORKSPACE,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const log: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => log.push(line));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await eventually('the API to be ready', 20_000, async () => {
      if (child.exitCode !== null) throw new Error(`the API exited with code ${child.exitCode}:\n${log.join('\n')}`);
      return (await fetch(`${url}/health/ready`)).status === 200;
    }, 50);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, log, stop };
}
