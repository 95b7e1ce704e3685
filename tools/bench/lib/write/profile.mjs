// CPU profiles of the write paths (--cpu-profile), taken after the measured rounds in runs of their
// own: the library write and its baseline in the bench process (inspector session), the push path
// in the API (the preload of cpu-profile-preload.cjs), the loader with node --cpu-prof.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { formatAreas, formatTop, selfTimeByPackage, topSelfTime } from '../cpu-profile.mjs';
import { profiler } from '../servers.mjs';
import { libraryWrite, loaderRun, plainHset, pushRun } from './paths.mjs';

const SAMPLING_INTERVAL_US = 250;

/** Runs `work()` under the V8 sampling profiler of this process; writes `<dir>/<name>.cpuprofile`. */
async function profileHere(dir, name, work) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  await session.post('Profiler.start');
  let result;
  try {
    result = await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  }
  return { result, path: join(dir, `${name}.cpuprofile`) };
}

const entry = (path, result) => ({ path, rowsPerS: result.rowsPerS, top: topSelfTime(path, 15), byPackage: selfTimeByPackage(path) });

/**
 * Profiles each path of `plans` that can be (library, push, loader) and the library's baseline.
 * @returns { [name]: { path, rowsPerS, top, byPackage } }
 */
export async function profilePaths(ctx, plans, rows, inputs, { dir, log }) {
  mkdirSync(dir, { recursive: true });
  const stamp = Date.now();
  const profiles = {};
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
    } else if (plan.name === 'push') {
      log('CPU profile of the API under push');
      await profiler(ctx.api, 'start');
      const result = await pushRun(ctx, ctx.api, inputs.bodies, { inFlight: plan.inFlight });
      profiles.push = entry(await profiler(ctx.api, 'stop'), result);
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

export function formatWriteProfiles(profiles) {
  return Object.entries(profiles).map(
    ([name, profile]) =>
      `CPU profile of ${name}, ${Math.round(profile.rowsPerS).toLocaleString('en-US')} rows/s while profiled (${profile.path})\n` +
      `Self time by package:\n${formatAreas(profile.byPackage, 8)}\nTop functions by self time:\n${formatTop(profile.top.slice(0, 12))}`,
  );
}
