// Reads a V8 .cpuprofile and lists the functions that took most CPU themselves (self time).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/** @returns [{ name, where, selfMs, share }] sorted by self time, `limit` entries */
export function topSelfTime(path, limit = 15) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  profile.samples.forEach((nodeId, index) => {
    const delta = profile.timeDeltas[index + 1] ?? 0;
    selfUs.set(nodeId, (selfUs.get(nodeId) ?? 0) + delta);
  });
  const totals = new Map();
  let total = 0;
  for (const [nodeId, us] of selfUs) {
    const { functionName, url, lineNumber } = byNode.get(nodeId).callFrame;
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

function shorten(url) {
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('node_modules/');
  return inModules >= 0 ? path.slice(inModules + 'node_modules/'.length) : relative(process.cwd(), path);
}

export function formatTop(entries) {
  return entries
    .map((entry) => `${(entry.share * 100).toFixed(1).padStart(5)}%  ${entry.selfMs.toFixed(0).padStart(6)} ms  ${entry.name}  ${entry.where}`)
    .join('\n');
}

/**
 * Self time grouped by the package of the nearest frame that belongs to one (node_modules/<pkg>,
 * or dist/apps/<app>/{apps,libs}/<project> and its copies); native and Node-internal time goes to the JS caller,
 * so a socket write issued by ioredis counts for ioredis.
 * @returns [{ area, share }] sorted by share
 */
export function selfTimeByPackage(path) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const areaOf = (nodeId) => {
    const name = byId.get(nodeId).callFrame.functionName;
    if (['(idle)', '(garbage collector)', '(program)'].includes(name)) return name;
    for (let id = nodeId; id !== undefined; id = parent.get(id)) {
      const { url } = byId.get(id).callFrame;
      const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
      if (dependency) return dependency[1];
      // dist/apps/<app>/..., or the write bench's private copy of the builds (write/builds.mjs)
      const own = /(?:dist\/apps|\.write-bench-builds-\d+)\/[^/]+\/(?:apps|libs)\/([^/]+)/.exec(url) ?? /tools\/bench\/([^/]+)/.exec(url);
      if (own) return own[1];
    }
    return 'node (no package frame)';
  };
  const totals = new Map();
  let total = 0;
  profile.samples.forEach((nodeId, index) => {
    const us = profile.timeDeltas[index + 1] ?? 0;
    const area = areaOf(nodeId);
    totals.set(area, (totals.get(area) ?? 0) + us);
    total += us;
  });
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([area, us]) => ({ area, share: us / total }));
}

export function formatAreas(areas, limit = 10) {
  return areas
    .slice(0, limit)
    .map(({ area, share }) => `${(share * 100).toFixed(1).padStart(5)}%  ${area}`)
    .join('\n');
}
