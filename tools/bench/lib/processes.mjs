// Every child process the harness starts goes through `startProcess`, so that `stopAll` (run on
// success, on failure and on SIGINT/SIGTERM) leaves nothing behind: SIGTERM first, SIGKILL after a
// grace period, and a last synchronous SIGKILL from the 'exit' handler for anything still alive.
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';

const children = new Set();
const GRACE_MS = 5_000;

/**
 * Spawns `command`, resolves once it is running and tracks it until it exits. Its output goes to
 * the harness' stderr, each line prefixed with `label`, unless `quiet`; `ipc` opens a message
 * channel (child.send / process.on('message')).
 */
export async function startProcess(label, command, args, { env, cwd, quiet = false, ipc = false } = {}) {
  const stdio = ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc'] : [])];
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const started = new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`cannot start ${label} (${command}): ${error.message}`)));
  });
  const tail = [];
  const collect = (chunk) => {
    tail.push(chunk.toString());
    if (tail.length > 50) tail.shift();
    if (!quiet) process.stderr.write(prefixLines(label, chunk.toString()));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const handle = {
    label,
    child,
    exited,
    started,
    /** The last lines it wrote, for error messages. */
    output: () => tail.join(''),
    stop: (signal = 'SIGTERM') => stopChild(handle, signal),
  };
  children.add(handle);
  exited.then(() => children.delete(handle));
  child.once('error', () => children.delete(handle));
  await started;
  return handle;
}

function prefixLines(label, text) {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => `  [${label}] ${line}\n`)
    .join('');
}

async function stopChild(handle, signal) {
  const { child, exited } = handle;
  if (child.pid === undefined) return { code: null, signal: null };
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), GRACE_MS);
  const result = await exited;
  clearTimeout(timer);
  return result;
}

/** Stops every tracked child, most recently started first (servers before their Redis). */
export async function stopAll() {
  const running = [...children].reverse();
  for (const handle of running) await handle.stop();
}

/** The signal that is stopping the harness, if any. */
let stoppingOn = null;

/** 130 after SIGINT, 143 after SIGTERM, undefined while no signal arrived. */
export function signalExitCode() {
  if (stoppingOn === null) return undefined;
  return stoppingOn === 'SIGINT' ? 130 : 143;
}

/**
 * Installs the handlers that stop every child on SIGINT/SIGTERM (then exit 130/143) and on any
 * exit of the harness.
 */
export function installCleanup() {
  const onTerminate = (signal) => {
    if (stoppingOn !== null) return;
    stoppingOn = signal;
    process.stderr.write(`\n${signal}: stopping ${children.size} child process(es)\n`);
    stopAll().finally(() => process.exit(signalExitCode()));
  };
  process.on('SIGINT', onTerminate);
  process.on('SIGTERM', onTerminate);
  process.on('exit', () => {
    for (const { child } of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
}

/** Asks the OS for a port that is free now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `probe()` resolves true; rejects after `timeoutMs` or when `handle` exits first. */
export async function waitUntil(description, probe, { handle, timeoutMs = 30_000, intervalMs = 50 } = {}) {
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
export function portOpen(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
