// CPU time a process has used (user + system), read from /proc on Linux. On a shared, noisy
// machine, CPU per request is steadier than requests/s: it does not depend on how much of the CPU
// the server was given during a run.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/** The text of a /proc file, or null when it is not there (no /proc, or the process is gone). */
function readProc(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * The fields of a /proc/<pid>/stat line after the command name (which may hold spaces), so that
 * field N of proc(5) is at index N - 3.
 */
const statFields = (stat: string) => stat.slice(stat.lastIndexOf(')') + 2).split(' ');

/** CPU ms used so far by `pid` (utime + stime), or null where /proc is not available. */
export function cpuMs(pid: number | undefined): number | null {
  const stat = pid === undefined ? null : readProc(`/proc/${pid}/stat`);
  if (stat === null) return null;
  const fields = statFields(stat);
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
}

/**
 * CPU ms used so far by `pid` and every live descendant (an API with workers), or null where /proc
 * is not available.
 */
export function treeCpuMs(pid: number | undefined): number | null {
  const own = cpuMs(pid);
  if (own === null) return null;
  // Missing when the process ended meanwhile.
  const children = readProc(`/proc/${pid}/task/${pid}/children`) ?? '';
  return children
    .split(' ')
    .filter(Boolean)
    .map(Number)
    .reduce((sum, child) => sum + (treeCpuMs(child) ?? 0), own);
}

/**
 * CPU ms used so far by the children of this process that have exited and been waited for
 * (cutime + cstime of /proc/self/stat), or null without /proc: the exact CPU cost of a child that
 * ran to completion is the difference across its run, as long as no other child ended meanwhile.
 */
export function exitedChildrenCpuMs(): number | null {
  const stat = readProc('/proc/self/stat');
  if (stat === null) return null;
  const fields = statFields(stat);
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / clockTicks();
}
