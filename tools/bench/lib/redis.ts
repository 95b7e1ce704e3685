// A private redis-server for one bench run: a free port, nothing on disk, stopped with the rest.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ProcessHandle, freePort, portOpen, startProcess, waitUntil } from './processes';

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  readonly handle: ProcessHandle;
}

export async function startRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'fs-bench-redis-'));
  const handle = await startProcess(
    'redis',
    process.env.REDIS_SERVER_BIN ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { quiet: true },
  );
  void handle.exited.then(() => rmSync(dir, { recursive: true, force: true }));
  await waitUntil(`redis-server on port ${port}`, () => portOpen(port), { handle, timeoutMs: 10_000 });
  return { url: `redis://127.0.0.1:${port}`, port, handle };
}
