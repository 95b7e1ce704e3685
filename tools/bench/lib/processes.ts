// Every child process the harness starts goes through `startProcess`, so that `stopAll` (run on
// success, on failure and on SIGINT/SIGTERM) leaves nothing behind: SIGTERM first, SIGKILL after a
// grace period, and a last synchronous SIGKILL from the 'exit' handler for anything still alive.
import { type ChildProcess, spawn } from 'node:child_process';
import { type AddressInfo, connect, createServer } from 'node:net';

/** Node arguments that run a TypeScript entry point of the workspace (tsx, resolved from the cwd). */
export const TS_NODE_ARGS: readonly string[] = ['--import', 'tsx'];

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ProcessHandle {
  readonly label: string;
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  /** The last lines it wrote, for error messages. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

export interface StartOptions {
  /** Added to this process' environment; `undefined` removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly quiet?: boolean;
  readonly ipc?: boolean;
}

const children = new Set<ProcessHandle>();
const GRACE_MS = 5_000;

/**
 * Spawns `command`, resolves once it is running and tracks it until it exits. Its output goes to
 * the harness' stderr, each line prefixed with `label`, unless `quiet`; `ipc` opens a message
 * channel (child.send / process.on('message')).
 */
export async function startProcess(
  label: string,
  command: string,
  args: readonly string[],
  { env, cwd, quiet = false, ipc = false }: StartOptions = {},
): Promise<ProcessHandle> {
  const stdio: ('ignore' | 'pipe' | 'ipc')[] = ['ignore', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])];
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio });
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const started = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`cannot start ${label} (${command}): ${error.message}`)));
  });
  const tail: string[] = [];
  const collect = (chunk: Buffer) => {
    tail.push(chunk.toString());
    if (tail.length > 50) tail.shift();
    if (!quiet) process.stderr.write(prefixLines(label, chunk.toString()));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const handle: ProcessHandle = {
    label,
    child,
    exited,
    output: () => tail.join(''),
    stop: (signal = 'SIGTERM') => stopChild(handle, signal),
  };
  children.add(handle);
  void exited.then(() => children.delete(handle));
  child.once('error', () => children.delete(handle));
  await started;
  return handle;
}

function prefixLines(label: string, text: string): string {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => `  [${label}] ${line}\n`)
    .join('');
}

async function stopChild({ child, exited }: ProcessHandle, signal: NodeJS.Signals): Promise<Exit> {
  if (child.pid === undefined) return { code: null, signal: null };
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), GRACE_MS);
  const result = await exited;
  clearTimeout(timer);
  return result;
}

/** Stops every tracked child, most recently started first (servers before their Redis). */
export async function stopAll(): Promise<void> {
  const running = [...children].reverse();
  for (const handle of running) await handle.stop();
}

/** The signal that is stopping the harness, if any. */
let stoppingOn: NodeJS.Signals | null = null;

/** 130 after SIGINT, 143 after SIGTERM, undefined while no signal arrived. */
export function signalExitCode(): number | undefined {
  if (stoppingOn === null) return undefined;
  return stoppingOn === 'SIGINT' ? 130 : 143;
}

/**
 * Installs the handlers that stop every child on SIGINT/SIGTERM (then exit 130/143) and on any
 * exit of the harness.
 */
export function installCleanup(): void {
  const onTerminate = (signal: NodeJS.Signals) => {
    if (stoppingOn !== null) return;
    stoppingOn = signal;
    process.stderr.write(`\n${signal}: stopping ${children.size} child process(es)\n`);
    void stopAll().finally(() => process.exit(signalExitCode()));
  };
  process.on('SIGINT', onTerminate);
  process.on('SIGTERM', onTerminate);
  process.on('exit', () => {
    for (const { child } of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
}

/**
 * Runs a script's `work` with the cleanup above installed, and stops every child process when it
 * ends or fails; a failure is printed as `[label] message` and sets exit code 1.
 */
export async function runWithCleanup(label: string, work: () => Promise<void>): Promise<void> {
  installCleanup();
  try {
    await work();
  } catch (error) {
    console.error(`[${label}] ${(error as Error).message}`);
    process.exitCode = 1;
  } finally {
    await stopAll();
  }
}

/** Asks the OS for a port that is free now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface WaitOptions {
  /** Fail at once when this process exits first. */
  readonly handle?: ProcessHandle;
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/** Resolves once `probe()` resolves true; rejects after `timeoutMs` or when `handle` exits first. */
export async function waitUntil(
  description: string,
  probe: () => Promise<boolean>,
  { handle, timeoutMs = 30_000, intervalMs = 50 }: WaitOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (handle && (handle.child.exitCode !== null || handle.child.signalCode !== null)) {
      throw new Error(`${handle.label} exited before ${description}:\n${handle.output()}`);
    }
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
