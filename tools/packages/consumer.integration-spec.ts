// The packages as another service gets them: a fresh project outside the workspace installs the
// two tarballs of dist/packages (npm run pack) and ioredis from the registry, generates its
// registry types with the client's bin, compiles a strict TypeScript service, then runs it and
// the same service as ES module and as CommonJS against a private Redis (through the core) and
// the built API (through the client).
import { type TestRedis, deleteNamespace, eventually, freePort, redisForTests, uniqueNamespace } from '@feature-store/testing';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const API_MAIN = join(ROOT, 'dist/apps/api/apps/api/src/main.js');
const REGISTRY = 'libs/feature-store-client/src/testing/test-registry.yaml';
const API_KEY = 'consumer-key-0123456789';

interface Manifest {
  name: string;
  version: string;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
const manifest = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Manifest;

/** The tarball npm pack made of a package: dist/packages/<scope>-<name>-<version>.tgz. */
function tarball(project: string): string {
  const { name, version } = manifest(`libs/${project}/package.json`);
  const file = `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
  if (!readdirSync(join(ROOT, 'dist/packages')).includes(file)) throw new Error(`dist/packages/${file} is missing: run npm run pack`);
  return join(ROOT, 'dist/packages', file);
}

/** This process' environment without what npm sets for the workspace's own scripts (its prefix, its package). */
function npmEnvironment(): NodeJS.ProcessEnv {
  const workspaceOnly = /^(npm_package_|npm_lifecycle_|npm_config_(local_prefix|prefix|global_prefix)$|INIT_CWD$)/;
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !workspaceOnly.test(name)));
}

/** The built API on a free port, ready. */
async function startApi(env: Readonly<Record<string, string>>): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const api = spawn(process.execPath, [API_MAIN], { cwd: ROOT, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env }, stdio: 'ignore' });
  await eventually('the API to be ready', 20_000, async () => {
    if (api.exitCode !== null) throw new Error(`the API exited with code ${api.exitCode}`);
    return (await fetch(`${url}/health/ready`)).status === 200;
  }, 50);
  return { url, process: api };
}

describe('the packages installed in a fresh project', () => {
  const namespace = uniqueNamespace('consumer');
  let project: string;
  let redis: TestRedis;
  let api: { url: string; process: ChildProcess } | undefined;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'feature-store-consumer-'));
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true }, null, 2)}\n`);
    const ioredis = manifest('libs/feature-store-core/package.json').peerDependencies?.['ioredis'];
    const typesNode = manifest('package.json').devDependencies?.['@types/node'];
    // The registry's metadata is in npm's cache since the workspace's own install: --prefer-offline uses it.
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball('feature-store-core'), tarball('feature-store-client'), `ioredis@${ioredis}`, `@types/node@${typesNode}`],
      { cwd: project, env: npmEnvironment(), stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 },
    );
    cpSync(join(__dirname, 'consumer'), project, { recursive: true });
    cpSync(join(ROOT, REGISTRY), join(project, 'registry.yaml'));

    redis = await redisForTests();
    api = await startApi({ ...redis.env, REGISTRY_PATH: REGISTRY, KEY_NAMESPACE: namespace, API_KEYS: `consumer:${API_KEY}:read+write` });
    const redisUrl = typeof redis.target === 'string' ? redis.target : '';
    env = { ...process.env, REDIS_URL: redisUrl, KEY_NAMESPACE: namespace, REGISTRY_PATH: join(project, 'registry.yaml'), API_URL: api.url, API_KEY };
  }, 360_000);

  afterAll(async () => {
    if (api && api.process.exitCode === null) {
      const exited = new Promise((resolve) => api!.process.once('exit', resolve));
      api.process.kill('SIGTERM');
      await exited;
    }
    if (redis) {
      // Imported lazily: the consumer's own files import the package dynamically too, and Nx's
      // boundary rule wants a workspace library loaded one way within a project.
      const { createRedisClient } = await import('@feature-store/core');
      const cleaner = createRedisClient(redis.target);
      await deleteNamespace(cleaner, namespace);
      cleaner.disconnect();
      await redis.stop();
    }
    if (project) rmSync(project, { recursive: true, force: true });
  });

  const run = (command: string, args: readonly string[]) => spawnSync(command, args, { cwd: project, env, encoding: 'utf8', timeout: 120_000 });
  const expectSuccess = (result: ReturnType<typeof run>, output?: string) => {
    if (result.status !== 0) throw new Error(`exit ${result.status}:\n${result.stdout}${result.stderr}`);
    if (output !== undefined) expect(result.stdout).toContain(output);
  };

  it("generates the registry's types with the client's feature-store-codegen", () => {
    expectSuccess(run(join(project, 'node_modules/.bin/feature-store-codegen'), ['--registry', 'registry.yaml', '--out', 'features.ts']));
    expect(readFileSync(join(project, 'features.ts'), 'utf8')).toContain('export type FeatureRegistry = {');
  });

  it('compiles a strict TypeScript service against both packages (ESM and CommonJS declarations)', () => {
    expectSuccess(run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']));
  }, 120_000);

  it.each([
    ['an ES module', 'esm.mjs', 'esm: ok'],
    ['a CommonJS module', 'cjs.cjs', 'cjs: ok'],
    ['the compiled TypeScript', 'out/typed.mjs', 'typed: ok'],
  ])('%s reads and writes Redis through the core and the API through the client', (_, file, output) => {
    expectSuccess(run(process.execPath, [file]), output);
  });
});
