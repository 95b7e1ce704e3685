// Offline checks of the containers: docker-compose.yml against the Compose schema (dclint), the
// Dockerfiles' structure and build context, and .env.example against what compose interpolates.
// No Docker engine is needed; the Dockerfile, dclint and interpolation checks also run on broken samples, to show they can fail.
import { ALL_ENV, API_ENV, INGESTOR_ENV, defaultText } from '@feature-store/config';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

// ---- Dockerfiles ----

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  name: string | undefined;
  instructions: Instruction[];
}

/** A Dockerfile's instructions: comment lines dropped, line continuations joined. */
function instructions(dockerfile: string): Instruction[] {
  return dockerfile
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([keyword]) => keyword !== '')
    .map(([keyword = '', ...args]) => ({ keyword: keyword.toUpperCase(), args: args.join(' ') }));
}

function stages(dockerfile: string): Stage[] {
  const result: Stage[] = [];
  for (const instruction of instructions(dockerfile)) {
    if (instruction.keyword === 'FROM') {
      result.push({ name: /\sAS\s+(\S+)$/i.exec(instruction.args)?.[1], instructions: [] });
    } else {
      result.at(-1)?.instructions.push(instruction);
    }
  }
  return result;
}

/** The stage a COPY reads from (undefined: the build context) and its sources (shell form). */
function copies(stage: Stage): { from: string | undefined; sources: string[] }[] {
  return stage.instructions
    .filter(({ keyword }) => keyword === 'COPY')
    .map(({ args }) => {
      const words = args.split(' ');
      const flags = words.slice(0, words.findIndex((word) => !word.startsWith('--')));
      const from = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length);
      return { from, sources: words.slice(flags.length, -1) };
    });
}

const lastArgs = (stage: Stage | undefined, keyword: string) =>
  stage?.instructions.filter((instruction) => instruction.keyword === keyword).at(-1)?.args;

const runsNpmCi = (stage: Stage) =>
  stage.instructions.some(({ keyword, args }) => keyword === 'RUN' && /\bnpm ci\b/.test(args));

function isUnprivileged(user: string | undefined): boolean {
  const name = user?.split(':')[0];
  return name !== undefined && name !== '' && name !== 'root' && name !== '0';
}

function hasHealthcheck(stage: Stage | undefined): boolean {
  const healthcheck = lastArgs(stage, 'HEALTHCHECK');
  return healthcheck !== undefined && healthcheck.toUpperCase() !== 'NONE';
}

const copiesFromEarlierStages = (all: Stage[]) =>
  all.every((stage, index) =>
    copies(stage).every(({ from }) => from === undefined || all.slice(0, index).some(({ name }) => name === from)),
  );

const stageRules: ReadonlyArray<readonly [string, (all: Stage[]) => boolean]> = [
  ['at least two FROM stages', (all) => all.length >= 2],
  ['`npm ci` in a build stage', (all) => all.slice(0, -1).some(runsNpmCi)],
  ['a final USER that is not root', (all) => isUnprivileged(lastArgs(all.at(-1), 'USER'))],
  ['a HEALTHCHECK in the final stage', (all) => hasHealthcheck(all.at(-1))],
  ['COPY --from to name an earlier stage', copiesFromEarlierStages],
];

/** What is wrong with a Dockerfile; `inContext` tells whether a path is in the build context. */
function dockerfileProblems(dockerfile: string, inContext: (path: string) => boolean): string[] {
  const all = stages(dockerfile);
  const missing = all
    .flatMap(copies)
    .filter(({ from }) => from === undefined)
    .flatMap(({ sources }) => sources)
    .filter((source) => !inContext(source));
  return [
    ...stageRules.filter(([, holds]) => !holds(all)).map(([rule]) => `expected ${rule}`),
    ...missing.map((source) => `COPY source not in the build context: ${source}`),
  ];
}

const globs: Record<string, string> = { '**/': '(?:.*/)?', '**': '.*', '*': '[^/]*', '?': '[^/]' };

/** Whether a .dockerignore pattern (`*`, `?`, `**`; no `!` exceptions) excludes `path` or a folder above it. */
function ignores(pattern: string, path: string): boolean {
  const source = pattern.replace(/[.+^$()|[\]\\{}]/g, '\\$&').replace(/\*\*\/|\*\*|\*|\?/g, (glob) => globs[glob] ?? glob);
  const regex = new RegExp(`^${source}$`);
  const segments = posix.normalize(path).replace(/\/$/, '').split('/');
  return segments.some((_, index) => regex.test(segments.slice(0, index + 1).join('/')));
}

const dockerignore = read('.dockerignore')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

const inRepositoryContext = (path: string) =>
  existsSync(join(root, path)) && !dockerignore.some((pattern) => ignores(pattern, path));

const dockerfiles = readdirSync(join(root, 'docker'))
  .filter((file) => file.endsWith('.Dockerfile'))
  .map((file) => `docker/${file}`);

describe('Dockerfiles', () => {
  it('checks the API through its readiness endpoint', () => {
    expect(read('docker/api.Dockerfile')).toMatch(/HEALTHCHECK[^\n]*\n[^\n]*\/health\/ready/);
  });

  it.each(dockerfiles)('%s: stages, user, health check and build context', (dockerfile) => {
    expect(dockerfileProblems(read(dockerfile), inRepositoryContext)).toEqual([]);
  });

  it('reports each problem of a broken Dockerfile', () => {
    const broken = [
      '# one stage only',
      'FROM node:20-bookworm-slim',
      'RUN npm ci',
      'COPY package.json missing-file.json \\',
      '  ./',
      'COPY node_modules/yaml/ ./',
      'COPY --from=biuld /src/dist/ ./',
      'USER root:root',
      'HEALTHCHECK NONE',
    ].join('\n');
    expect(dockerfileProblems(broken, inRepositoryContext)).toEqual([
      'expected at least two FROM stages',
      'expected `npm ci` in a build stage',
      'expected a final USER that is not root',
      'expected a HEALTHCHECK in the final stage',
      'expected COPY --from to name an earlier stage',
      'COPY source not in the build context: missing-file.json',
      'COPY source not in the build context: node_modules/yaml/',
    ]);
  });
});

// ---- docker-compose.yml ----

type Build = string | { context?: string; dockerfile?: string };

interface Service {
  build?: Build;
  image?: string;
  profiles?: string[];
  depends_on?: string[] | Record<string, { condition: string }>;
  environment?: string[] | Record<string, string | number>;
  entrypoint?: string | string[];
  command?: string | string[];
  hostname?: string;
  volumes?: string[];
}

interface ComposeFile {
  services: Record<string, Service>;
}

const composeText = read('docker-compose.yml');
// merge: the `<<: *anchor` keys that share settings between services, as compose reads them.
const compose = parse(composeText, { merge: true }) as ComposeFile;

/** A service's build context and Dockerfile, relative to the repository root. */
function buildPaths(build: Build): { context: string; dockerfile: string } {
  const { context = '.', dockerfile = 'Dockerfile' } = typeof build === 'string' ? { context: build } : build;
  return { context: posix.normalize(context), dockerfile: posix.join(context, dockerfile) };
}

const builtServices = Object.entries(compose.services).flatMap(([name, { build }]) =>
  build === undefined ? [] : [[name, buildPaths(build)] as const],
);

/** What is read of dclint's LintResult: its bundled types import `./linter.types`, unresolved under node16. */
interface LintResult {
  messages: { rule: string; type: 'error' | 'warning'; message: string }[];
}

/** dclint's errors (schema validation included) for a compose file; warnings are left out. */
async function composeLintErrors(path: string): Promise<string[]> {
  const { DCLinter } = await import('dclint');
  const linter = new DCLinter({ rules: {}, quiet: true, debug: false, exclude: [] });
  const results: LintResult[] = linter.lintFiles([path], false);
  return results
    .flatMap(({ messages }) => messages)
    .filter(({ type }) => type === 'error')
    .map(({ rule, message }) => `${rule}: ${message}`);
}

describe('docker-compose.yml', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'docker-check-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('passes dclint without errors', async () => {
    expect(await composeLintErrors(join(root, 'docker-compose.yml'))).toEqual([]);
  });

  it('fails dclint when it breaks the Compose schema', async () => {
    const broken = join(scratch, 'docker-compose.yml');
    writeFileSync(broken, 'services:\n  api:\n    build:\n      dockerfile: 1\n      bogus: true\n');
    expect(await composeLintErrors(broken)).toEqual([expect.stringMatching(/^invalid-schema: /)]);
  });

  it.each(builtServices)('service %s builds from the repository root with a checked Dockerfile', (_, build) => {
    expect(build.context).toBe('.');
    expect(dockerfiles).toContain(build.dockerfile);
  });
});

// ---- docker-compose.yml: the cluster profile ----

const service = (name: string): Service => compose.services[name] ?? {};

const dependencies = ({ depends_on: dependsOn = [] }: Service): Record<string, string> =>
  Array.isArray(dependsOn)
    ? Object.fromEntries(dependsOn.map((name) => [name, 'service_started']))
    : Object.fromEntries(Object.entries(dependsOn).map(([name, { condition }]) => [name, condition]));

const environment = ({ environment: env = {} }: Service): Record<string, string> =>
  Array.isArray(env)
    ? Object.fromEntries(env.map((entry) => [entry.split('=')[0], entry.split('=').slice(1).join('=')]))
    : Object.fromEntries(Object.entries(env).map(([name, value]) => [name, String(value)]));

const words = ({ entrypoint = [], command = [] }: Service) => [entrypoint, command].flat().join(' ');

const inProfile = (profile: string) =>
  Object.keys(compose.services).filter((name) => service(name).profiles?.includes(profile) === true);

/** `service -> dependency` edges from a service without profiles (started by default) to one with. */
function defaultsOnProfiles(services: Record<string, Service>): string[] {
  const profiled = (name: string) => services[name]?.profiles !== undefined;
  return Object.entries(services)
    .filter(([name]) => !profiled(name))
    .flatMap(([name, definition]) =>
      Object.keys(dependencies(definition))
        .filter(profiled)
        .map((dependency) => `${name} -> ${dependency}`),
    );
}

// What compose sets itself instead of passing the user's value on, and why.
const SET_BY_COMPOSE: Readonly<Record<string, readonly string[]>> = {
  // how each service reaches Redis; where the API listens inside its container; the image's console
  // folder; the compose ingestor's metrics; a keys file is a path inside the container (mount it
  // and set it in an override)
  api: ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'HOST', 'PORT', 'CONSOLE_DIR', 'INGESTOR_METRICS_URL', 'API_KEYS_FILE'],
  // how it reaches Redis; the heartbeat file the image's health check reads
  ingestor: ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'INGEST_HEARTBEAT_FILE'],
};

describe('docker-compose.yml passes the configuration on', () => {
  it.each([
    ['api', API_ENV],
    ['ingestor', INGESTOR_ENV],
  ] as const)('%s: every variable the app reads, from .env, but those compose sets itself', (name, definition) => {
    const passed = environment(service(name));
    const missing = Object.keys(definition.variables).filter(
      (variable) => !SET_BY_COMPOSE[name]!.includes(variable) && passed[variable] !== `\${${variable}:-${expectedDefaults[variable]}}`,
    );
    expect(missing).toEqual([]);
  });
});

describe('docker-compose.yml cluster profile', () => {
  const nodes = ['redis-node-1', 'redis-node-2', 'redis-node-3', 'redis-node-4', 'redis-node-5', 'redis-node-6'];
  const seeds = 'redis://:${REDIS_PASSWORD:-}@redis-node-1:6379,redis-node-2:6379,redis-node-3:6379';

  it('holds six Redis 7 nodes, an init service and the two apps', () => {
    expect(inProfile('cluster').sort()).toEqual(['api-cluster', 'ingestor-cluster', 'redis-cluster-init', ...nodes].sort());
  });

  it.each(nodes)('%s: a cluster node announcing its hostname, with a password and a data volume', (name) => {
    const node = service(name);
    expect(node.image).toBe('redis:7');
    expect(node.hostname).toBe(name);
    expect(node.volumes).toEqual([`${name}-data:/data`]);
    for (const flag of [
      '--cluster-enabled yes',
      '--cluster-announce-hostname "$$(hostname)"',
      '--cluster-preferred-endpoint-type hostname',
      '--appendonly yes',
      '--requirepass "$$REDIS_PASSWORD"',
      '--masterauth "$$REDIS_PASSWORD"',
    ]) {
      expect(words(node)).toContain(flag);
    }
    expect(environment(node)).toMatchObject({ REDIS_PASSWORD: '${REDIS_PASSWORD:-}', REDISCLI_AUTH: '${REDIS_PASSWORD:-}' });
  });

  it('forms the cluster once every node is healthy, 3 masters with a replica each', () => {
    const init = service('redis-cluster-init');
    expect(dependencies(init)).toEqual(Object.fromEntries(nodes.map((name) => [name, 'service_healthy'])));
    const script = words(init).replace(/\\\n\s*/g, ''); // shell line continuations joined
    const addresses = nodes.map((name) => `${name}:6379`).join(' ');
    expect(script).toContain(`redis-cli --cluster create ${addresses} --cluster-replicas 1 --cluster-yes`);
    expect(script).toContain(`if [ "$$(info cluster_state)" = ok ]; then echo 'cluster already formed'; exit 0; fi`);
  });

  it.each([
    ['api-cluster', 'api'],
    ['ingestor-cluster', 'ingestor'],
  ])('%s: built like %s, on REDIS_CLUSTER_NODES once the cluster is formed', (name, twin) => {
    const app = service(name);
    expect(app.build).toEqual(service(twin).build);
    expect(dependencies(app)).toEqual({ 'redis-cluster-init': 'service_completed_successfully' });
    const env = environment(app);
    expect(env['REDIS_CLUSTER_NODES']).toBe(seeds);
    expect(env).not.toHaveProperty('REDIS_URL');
    // Everything else as the default app has it, but the cluster API's command timeout and the
    // ingestor whose metrics it reads.
    const { REDIS_URL: _url, ...shared } = environment(service(twin));
    const { REDIS_CLUSTER_NODES: _nodes, ...own } = env;
    const apiCluster = {
      REDIS_COMMAND_TIMEOUT_MS: '${REDIS_CLUSTER_COMMAND_TIMEOUT_MS:-5000}',
      INGESTOR_METRICS_URL: 'http://ingestor-cluster:${INGEST_METRICS_PORT:-9464}/metrics',
    };
    expect(own).toEqual(name === 'api-cluster' ? { ...shared, ...apiCluster } : shared);
  });

  it('starts nothing of the cluster profile with the default services', () => {
    const defaults = Object.keys(compose.services).filter((name) => service(name).profiles === undefined);
    expect(defaults).toEqual(expect.arrayContaining(['api', 'ingestor', 'redis']));
    expect(defaultsOnProfiles(compose.services)).toEqual([]);
  });

  it('reports a default service that depends on a profile service', () => {
    const sample: Record<string, Service> = {
      api: { depends_on: { redis: { condition: 'service_healthy' }, 'redis-cluster-init': { condition: 'service_completed_successfully' } } },
      ingestor: { depends_on: ['redis-node-1'] },
      redis: {},
      'redis-cluster-init': { profiles: ['cluster'], depends_on: ['redis-node-1'] },
      'redis-node-1': { profiles: ['cluster'] },
    };
    expect(defaultsOnProfiles(sample)).toEqual(['api -> redis-cluster-init', 'ingestor -> redis-node-1']);
  });
});

// ---- .env.example ----

interface EnvEntry {
  name: string;
  value: string;
  documented: boolean;
}

/** `NAME=value` lines of a .env file; documented: a comment line sits right above. */
function envEntries(text: string): EnvEntry[] {
  const lines = text.split('\n');
  return lines.flatMap((line, index) => {
    const match = /^([A-Za-z_]\w*)=(.*)$/.exec(line);
    return match ? [{ name: match[1], value: match[2], documented: lines[index - 1]?.startsWith('#') === true }] : [];
  });
}

/** Variables interpolated by compose: `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `$NAME`; `$$` escapes. */
function interpolations(text: string): { name: string; fallback: string | undefined }[] {
  const pattern = /\$(?:\{([A-Za-z_]\w*)(?::?-([^}]*))?|([A-Za-z_]\w*))/g;
  return [...text.replaceAll('$$', '').matchAll(pattern)].map((match) => ({
    name: match[1] ?? match[3],
    fallback: match[2],
  }));
}

/** Compose variables missing from .env.example, or defaulting to another value there. */
function envDrift(compose: string, env: EnvEntry[]): string[] {
  const defaults = new Map(env.map(({ name, value }) => [name, value]));
  return interpolations(compose).flatMap(({ name, fallback }) => {
    const listed = defaults.get(name);
    if (listed === undefined) return [`${name} is not in .env.example`];
    if (fallback !== undefined && fallback !== listed) return [`${name} defaults to "${fallback}", not "${listed}"`];
    return [];
  });
}

// The variables the apps, `npm start` and the compose file read, with the defaults .env.example
// gives them (empty where the app computes its default), from their one definition.
const expectedDefaults = Object.fromEntries(
  ALL_ENV.flatMap((definition) => Object.entries(definition.variables)).map(([name, entry]) => [
    name,
    entry.shownDefault === undefined ? defaultText(entry) : '',
  ]),
);

describe('.env.example', () => {
  const entries = envEntries(read('.env.example'));

  it('lists every variable the apps read, with its default', () => {
    expect(Object.fromEntries(entries.map(({ name, value }) => [name, value]))).toMatchObject(expectedDefaults);
  });

  it('documents each variable on the line above it, once', () => {
    expect(entries.filter(({ documented }) => !documented).map(({ name }) => name)).toEqual([]);
    expect(new Set(entries.map(({ name }) => name)).size).toBe(entries.length);
  });

  it('lists every variable docker-compose.yml interpolates, with the same default', () => {
    expect(interpolations(composeText).length).toBeGreaterThan(0);
    expect(envDrift(composeText, entries)).toEqual([]);
  });

  it('reports interpolated variables that are missing or default differently', () => {
    const sample = 'a: ${PORT:-9000}\nb: ${NOT_LISTED}\nc: $$ESCAPED\nd: $HOST\ne: ${KEY_NAMESPACE:-}';
    expect(envDrift(sample, entries)).toEqual(['PORT defaults to "9000", not "8000"', 'NOT_LISTED is not in .env.example']);
  });
});
