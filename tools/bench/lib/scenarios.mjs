// Reads k6/scenarios.json, the scenario definitions shared with the k6 scripts, and builds the
// requests the local load tools send.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SCENARIOS_PATH = fileURLToPath(new URL('../../../k6/scenarios.json', import.meta.url));

/** The parsed scenario file; throws naming the file when it is not valid JSON. */
export function loadScenarioFile(path = SCENARIOS_PATH) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${path}: ${error.message}`, { cause: error });
  }
}

/** Scenarios that a given local tool runs, as [name, scenario] pairs in file order. */
export function scenariosFor(file, tool) {
  return Object.entries(file.scenarios).filter(([, scenario]) => (scenario.harness ?? []).includes(tool));
}

/** A random id of the seeded id space: "user00000" .. "user99999" for the default file. */
export function idGenerator(idSpace) {
  const { prefix, digits, count } = idSpace;
  return () => `${prefix}${String(Math.floor(Math.random() * count)).padStart(digits, '0')}`;
}

/**
 * A function returning the next request of `request` (a scenario's request block) as
 * { method, path, body?, headers? }, with fresh random ids each call.
 */
export function requestFactory(file, request) {
  const route = file.routes[request.route];
  if (!route) throw new Error(`unknown route "${request.route}" in ${SCENARIOS_PATH}`);
  const nextId = idGenerator(file.idSpace);
  switch (request.route) {
    case 'single':
      return () => ({ method: route.method, path: route.path.replace('{id}', nextId()) });
    case 'batch': {
      const headers = { 'content-type': 'application/json' };
      return () => {
        const userIds = Array.from({ length: request.batchSize }, nextId);
        return { method: route.method, path: route.path, headers, body: JSON.stringify({ user_ids: userIds }) };
      };
    }
    default:
      throw new Error(`route "${request.route}" is not run by the local harness (k6 only)`);
  }
}
