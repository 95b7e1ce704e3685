import { readFileSync, readdirSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { join, relative } from 'node:path';
import ts from 'typescript';

// The k6 scripts run in k6, not Node: this spec parses each one, checks it imports only what k6 can
// load, and loads the entry scripts against stubs of k6's modules to read the options they export.

const K6_DIR = __dirname;
const scenarioFile = JSON.parse(readFileSync(join(K6_DIR, 'scenarios.json'), 'utf8'));
const scenarioNames = Object.keys(scenarioFile.scenarios);

const sources = readdirSync(K6_DIR, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
  .map((file) => join(K6_DIR, file));
const entryScripts = sources.filter((file) => relative(K6_DIR, file).split('/').length === 1);

interface LoadedOptions {
  scenarios: Record<string, { executor: string; vus?: number; rate?: number; preAllocatedVUs?: number; startTime: string }>;
  thresholds: Record<string, string[]>;
}

function loadOptions(script: string, env: Record<string, string> = {}): LoadedOptions {
  const globals = globalThis as unknown as { open: (path: string) => string; __ENV: Record<string, string> };
  globals.open = (path) => readFileSync(join(K6_DIR, path), 'utf8');
  globals.__ENV = env;
  let options: LoadedOptions | undefined;
  jest.isolateModules(() => {
    options = require(script).options;
  });
  if (!options) throw new Error(`${script} exports no options`);
  return options;
}

function importsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  return source.statements
    .filter((statement): statement is ts.ImportDeclaration => ts.isImportDeclaration(statement))
    .map((statement) => (statement.moduleSpecifier as ts.StringLiteral).text);
}

describe('k6 scripts', () => {
  it('finds the five entry scripts', () => {
    expect(entryScripts.map((file) => relative(K6_DIR, file)).sort()).toEqual([
      'batch-read.ts',
      'feast-read.ts',
      'mixed.ts',
      'push.ts',
      'single-read.ts',
    ]);
  });

  it.each(sources.map((file) => [relative(K6_DIR, file), file]))('%s parses without syntax errors', (_, file) => {
    const output = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      reportDiagnostics: true,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 },
    });
    const messages = (output.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(messages).toEqual([]);
  });

  it.each(sources.map((file) => [relative(K6_DIR, file), file]))('%s imports only k6 modules and local .ts files', (_, file) => {
    const foreign = importsOf(file).filter((specifier) => !/^k6(\/[a-z-/]+)?$/.test(specifier) && !/^\.\.?\/.+\.ts$/.test(specifier));
    expect(foreign).toEqual([]);
  });

  it('runs every scenario of scenarios.json, each in one script only', () => {
    const used = entryScripts.flatMap((script) => Object.keys(loadOptions(script).scenarios));
    expect([...used].sort()).toEqual([...scenarioNames].sort());
  });

  it.each(entryScripts.map((file) => [relative(K6_DIR, file), file]))('%s runs its scenarios one after another', (_, script) => {
    const starts = Object.values(loadOptions(script).scenarios).map((scenario) => parseInt(scenario.startTime, 10));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(new Set(starts).size).toBe(starts.length);
  });

  it('encodes each latency target and the error budget as thresholds', () => {
    const thresholds = Object.assign({}, ...entryScripts.map((script) => loadOptions(script).thresholds));
    for (const [name, spec] of Object.entries<{ target?: { p99Ms?: number } }>(scenarioFile.scenarios)) {
      expect(thresholds[`http_req_failed{scenario:${name}}`]).toEqual([`rate<${scenarioFile.maxErrorRate}`]);
      if (spec.target?.p99Ms !== undefined) {
        expect(thresholds[`http_req_duration{scenario:${name}}`]).toEqual([`p(99)<=${spec.target.p99Ms}`]);
      }
    }
  });

  it('maps connections and rates onto executors', () => {
    const scenarios = Object.assign({}, ...entryScripts.map((script) => loadOptions(script).scenarios));
    expect(scenarios['single_c50']).toMatchObject({ executor: 'constant-vus', vus: 50 });
    expect(scenarios['single_r1000']).toMatchObject({ executor: 'constant-arrival-rate', rate: 1000, preAllocatedVUs: 16 });
  });

  it('turns REFERENCE_RPS into request-count thresholds for throughput targets', () => {
    const script = join(K6_DIR, 'single-read.ts');
    const { thresholds } = loadOptions(script, { REFERENCE_RPS: '{"single_c50": 10000}', DURATION: '10s' });
    expect(thresholds['http_reqs{scenario:single_c50}']).toEqual(['count>=90000']);
  });
});

describe('scenarios.json for the local harness (tools/bench)', () => {
  it.each(scenarioNames)('%s: the harness sends only reads (single, batch, Feast-style)', (name) => {
    const spec = scenarioFile.scenarios[name];
    if ((spec.harness ?? []).length === 0) return;
    expect(spec.mix).toBeUndefined();
    expect(['single', 'batch', 'feast']).toContain(spec.request.route);
    expect(spec.harness.every((tool: string) => ['autocannon', 'wrk', 'paced'].includes(tool))).toBe(true);
    if (spec.harness.includes('paced')) expect(spec.load.rate).toBeGreaterThan(0);
  });
});

describe('registry/examples/load-scenarios.yaml, the registry of the load scenarios', () => {
  it("repeats the default registry's user entity and view exactly, and adds the items the Feast-style scenario reads", () => {
    const scenarios = parseYaml(readFileSync(join(K6_DIR, '../registry/examples/load-scenarios.yaml'), 'utf8'));
    const defaults = parseYaml(readFileSync(join(K6_DIR, '../registry/features.yaml'), 'utf8'));
    expect(scenarios.entities.user).toEqual(defaults.entities.user);
    expect(scenarios.views.user_features).toEqual(defaults.views.user_features);
    const feast = scenarioFile.scenarios.feast100_c50.request;
    const references: string[] = feast.features;
    const views = [...new Set(references.map((reference) => reference.slice(0, reference.indexOf(':'))))];
    expect(views.every((view) => view in scenarios.views)).toBe(true);
    expect(new Set(views.map((view) => scenarios.views[view].entity)).size).toBe(2);
  });

  it('numbers items like users: the seeders seed as many of each, wrk formats both alike', () => {
    expect(scenarioFile.itemSpace).toEqual({ ...scenarioFile.idSpace, prefix: 'item' });
  });
});
