// Reads a V8 .cpuprofile and lists the functions that took most CPU themselves (self time).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/** The parts of a V8 CPU profile (Profiler.Profile of the inspector protocol) read here. */
interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
    readonly children?: readonly number[];
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface TopFunction {
  readonly name: string;
  readonly where: string;
  readonly selfMs: number;
  readonly share: number;
}

export interface AreaShare {
  readonly area: string;
  readonly share: number;
}

const readProfile = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;

/** Self time per sampled node, in µs: a sample's time is the delta to the next sample. */
function selfTimes(profile: CpuProfile, add: (nodeId: number, us: number) => void): void {
  profile.samples.forEach((nodeId, index) => add(nodeId, profile.timeDeltas[index + 1] ?? 0));
}

/** A lookup of the profile's nodes by id; a sample or child naming no node is a corrupt profile. */
function nodesById(profile: CpuProfile): (id: number) => CpuProfile['nodes'][number] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  return (id) => {
    const node = byId.get(id);
    if (!node) throw new Error(`corrupt CPU profile: no node ${id}`);
    return node;
  };
}

/** @returns the `limit` functions with the most self time, most first */
export function topSelfTime(path: string, limit = 15): TopFunction[] {
  const profile = readProfile(path);
  const byNode = nodesById(profile);
  const selfUs = new Map<number, number>();
  selfTimes(profile, (nodeId, us) => selfUs.set(nodeId, (selfUs.get(nodeId) ?? 0) + us));
  const totals = new Map<string, number>();
  let total = 0;
  for (const [nodeId, us] of selfUs) {
    const { functionName, url, lineNumber } = byNode(nodeId).callFrame;
    const where = url ? `${shorten(url)}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'}\u0000${where}`;
    totals.set(key, (totals.get(key) ?? 0) + us);
    total += us;
  }
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, us]) => {
      const [name, where] = key.split('\u0000');
      return { name, where, selfMs: us / 1000, share: us / total };
    });
}

function shorten(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('node_modules/');
  return inModules >= 0 ? path.slice(inModules + 'node_modules/'.length) : relative(process.cwd(), path);
}

export function formatTop(entries: readonly TopFunction[]): string {
  return entries
    .map((entry) => `${(entry.share * 100).toFixed(1).padStart(5)}%  ${entry.selfMs.toFixed(0).padStart(6)} ms  ${entry.name}  ${entry.where}`)
    .join('\n');
}

/**
 * The project a frame's file belongs to: node_modules/<pkg>; a workspace project's sources
 * (apps/<app>/src, libs/<lib>/src: the core as the write bench runs it); a build in dist/apps/<app>
 * or the write bench's private copy of the builds (write/builds.ts); or the bench's own code.
 */
function packageOf(url: string): string | undefined {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1];
  const own =
    /(?:dist\/apps|\.write-bench-builds-\d+)\/[^/]+\/(?:apps|libs)\/([^/]+)/.exec(url) ??
    /\/(?:apps|libs)\/([^/]+)\/src\//.exec(url) ??
    /tools\/bench\/([^/]+)/.exec(url);
  return own?.[1];
}

/**
 * Self time grouped by the package of the nearest frame that belongs to one (see `packageOf`);
 * native and Node-internal time goes to the JS caller, so a socket write issued by ioredis counts
 * for ioredis.
 * @returns the packages, largest share first
 */
export function selfTimeByPackage(path: string): AreaShare[] {
  const profile = readProfile(path);
  const node = nodesById(profile);
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const areaOf = (nodeId: number) => {
    const name = node(nodeId).callFrame.functionName;
    if (['(idle)', '(garbage collector)', '(program)'].includes(name)) return name;
    for (let id: number | undefined = nodeId; id !== undefined; id = parent.get(id)) {
      const area = packageOf(node(id).callFrame.url);
      if (area) return area;
    }
    return 'node (no package frame)';
  };
  const totals = new Map<string, number>();
  let total = 0;
  selfTimes(profile, (nodeId, us) => {
    const area = areaOf(nodeId);
    totals.set(area, (totals.get(area) ?? 0) + us);
    total += us;
  });
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([area, us]) => ({ area, share: us / total }));
}

export function formatAreas(areas: readonly AreaShare[], limit = 10): string {
  return areas
    .slice(0, limit)
    .map(({ area, share }) => `${(share * 100).toFixed(1).padStart(5)}%  ${area}`)
    .join('\n');
}
