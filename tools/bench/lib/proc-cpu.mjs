// CPU time a process has used (user + system), read from /proc on Linux. On a shared, noisy
// machine, CPU per request is steadier than requests/s: it does not depend on how much of the CPU
// the server was given during a run.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond;

function clockTicks() {
  if (ticksPerSecond === undefined) {
    ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  }
  return ticksPerSecond;
}

/** CPU ms used so far by `pid`, or null where /proc is not available. */
export function cpuMs(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return null; // no /proc (not Linux), or the process is gone
    throw error;
  }
  // Fields after the command name (which may hold spaces), from field 3: utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
}

/**
 * CPU ms used so far by `pid` and every live descendant (an API with workers), or null where /proc
 * is not available.
 */
export function treeCpuMs(pid) {
  const own = cpuMs(pid);
  if (own === null) return null;
  let children = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error; // the process ended meanwhile
  }
  return children.reduce((sum, child) => sum + (treeCpuMs(child) ?? 0), own);
}

/**
 * CPU ms used so far by the children of this process that have exited and been waited for
 * (cutime + cstime of /proc/self/stat), or null without /proc: the exact CPU cost of a child that
 * ran to completion is the difference across its run, as long as no other child ended meanwhile.
 */
export function exitedChildrenCpuMs() {
  let stat;
  try {
    stat = readFileSync('/proc/self/stat', 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / clockTicks();
}
