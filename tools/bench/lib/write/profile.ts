// CPU profiles of the write paths (--cpu-profile), taken after the measured rounds in runs of their
// own: the library write and its baseline in the bench process (inspector session), the push path
// in the API (the preload of cpu-profile-preload.ts), the loader with node --cpu-prof.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { type AreaShare, type TopFunction, formatAreas, formatTop, selfTimeByPackage, topSelfTime } from '../cpu-profile';
import type { Log } from '../prepare';
import { profiler } from '../servers';
import { type TimedWrite, type WriteContext, libraryWrite, loaderRun, plainHset, pushRun } from './paths';
import type { PushBody, Row } from './rows';

const SAMPLING_INTERVAL_US = 250;

export interface PathProfile {
  readonly path: string;
  readonly rowsPerS: number;
  readonly top: TopFunction[];
  readonly byPackage: AreaShare[];
}

/** A path as profilePaths needs it. */
interface ProfiledPlan {
  readonly name: string;
  readonly batch: number;
  readonly inFlight: number;
}

/** Runs `work()` under the V8 sampling profiler of this process; writes `<dir>/<name>.cpuprofile`. */
async function profileHere(dir: string, name: string, work: () => Promise<TimedWrite>): Promise<{ result: TimedWrite; path: string }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  await session.post('Profiler.start');
  let result: TimedWrite;
  try {
    result = await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  }
  return { result, path: join(dir, `${name}.cpuprofile`) };
}

const entry = (path: string, result: TimedWrite): PathProfile => ({
  path,
  rowsPerS: result.rowsPerS,
  top: topSelfTime(path, 15),
  byPackage: selfTimeByPackage(path),
});

/** Profiles each path of `plans` that can be (library, push, loader) and the library's baseline. */
export async function profilePaths(
  ctx: WriteContext,
  plans: readonly ProfiledPlan[],
  rows: readonly Row[],
  inputs: { readonly rowFile: string; readonly bodies: readonly PushBody[] },
  { dir, log }: { readonly dir: string; readonly log: Log },
): Promise<Record<string, PathProfile>> {
  mkdirSync(dir, { recursive: true });
  const stamp = Date.now();
  const profiles: Record<string, PathProfile> = {};
  for (const plan of plans) {
    await ctx.redis.flushdb();
    if (plan.name === 'library') {
      log('CPU profile of the library write (bench process)');
      const { result, path } = await profileHere(dir, `write-library-${stamp}`, () => libraryWrite(ctx, rows, { batchSize: plan.batch }));
      profiles.library = entry(path, result);
      await ctx.redis.flushdb();
      log('CPU profile of the plain HSET baseline (bench process)');
      const baseline = await profileHere(dir, `write-baseline-${stamp}`, () => plainHset(ctx, rows, { batchSize: plan.batch, inFlight: 1 }));
      profiles.baseline = entry(baseline.path, baseline.result);
    } else if (plan.name === 'push' && ctx.api) {
      log('CPU profile of the API under push');
      await profiler(ctx.api, 'start');
      const result = await pushRun(ctx, ctx.api, inputs.bodies, { inFlight: plan.inFlight });
      const path = await profiler(ctx.api, 'stop');
      if (path !== undefined) profiles.push = entry(path, result);
    } else if (plan.name === 'loader') {
      log('CPU profile of the loader (node --cpu-prof, its whole life)');
      const loaderDir = join(dir, `write-loader-${stamp}`);
      const result = await loaderRun(ctx, inputs.rowFile, rows.length, { batchSize: plan.batch, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', loaderDir] });
      const file = readdirSync(loaderDir).find((name) => name.endsWith('.cpuprofile'));
      if (file) profiles.loader = entry(join(loaderDir, file), result);
    }
  }
  await ctx.redis.flushdb();
  return profiles;
}

export function formatWriteProfiles(profiles: Readonly<Record<string, PathProfile>>): string[] {
  return Object.entries(profiles).map(
    ([name, profile]) =>
      `CPU profile of ${name}, ${Math.round(profile.rowsPerS).toLocaleString('en-US')} rows/s while profiled (${profile.path})\n` +
      `Self time by package:\n${formatAreas(profile.byPackage, 8)}\nTop functions by self time:\n${formatTop(profile.top.slice(0, 12))}`,
  );
}
