import { freePort } from '@feature-store/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '../../../..');
const MAIN = join(ROOT, 'dist/apps/api/apps/api/src/main.js');

export interface BuiltApi {
  readonly process: ChildProcess;
  readonly pid: number;
  readonly port: number;
  /** The lines written to stdout so far (the log: one JSON object a line). */
  readonly stdout: string[];
}

/**
 * Starts the production build of the API (dist/, built by the integration target's dependency)
 * on 127.0.0.1 and a free port, with `env` over this process's environment. It is not yet
 * listening when this resolves: wait for GET /health/ready.
 */
export async function spawnBuiltApi(env: Record<string, string>): Promise<BuiltApi> {
  const port = await freePort();
  const api = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  if (api.pid === undefined) throw new Error('the API process did not start');
  const stdout: string[] = [];
  createInterface({ input: api.stdout! }).on('line', (line) => stdout.push(line));
  return { process: api, pid: api.pid, port, stdout };
}
