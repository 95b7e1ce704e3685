// The GitHub Actions workflows that adopters of the project run (.github/workflows), checked
// offline: against GitHub's own workflow schema and expression rules with @actions/workflow-parser
// (the parser of GitHub's Actions language services), then for what each must do. No runner or
// k6 binary is needed; the schema check also runs on a broken sample, to show it can fail.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '../..');
const WORKFLOWS = join(ROOT, '.github/workflows');

/** The errors GitHub would report for a workflow file: its schema, its expressions and where each context may be used. */
async function workflowErrors(name: string, content: string): Promise<string[]> {
  const { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } = await import('@actions/workflow-parser');
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((error) => error.message);
  if (parsed.value !== undefined && errors.length === 0) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    errors.push(...(template.errors ?? []).map((error) => error.Message));
  }
  return errors;
}

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  services?: Record<string, { image: string; ports?: string[] }>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const files = readdirSync(WORKFLOWS).filter((file) => /\.ya?ml$/.test(file));
const read = (file: string) => readFileSync(join(WORKFLOWS, file), 'utf8');
const workflow = (file: string) => parse(read(file)) as Workflow;
const steps = (file: string) => Object.values(workflow(file).jobs).flatMap((job) => job.steps);

describe('.github/workflows', () => {
  it('holds the test and the load workflows', () => {
    expect(files.sort()).toEqual(['ci.yml', 'load.yml']);
  });

  it.each(files)('%s passes the workflow schema and expression checks', async (file) => {
    expect(await workflowErrors(file, read(file))).toEqual([]);
  });

  it('reports a broken workflow: an unknown key, a bad expression, a context used where it is not available', async () => {
    const broken = [
      'on: push',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    timeout-minutes: soon',
      '    env:',
      "      URL: ${{ job.services.redis.ports['6379'] }}",
      '    steps:',
      '      - run: echo ${{ github.sha }',
      '        bogus: true',
    ].join('\n');
    expect(await workflowErrors('broken.yml', broken)).toEqual([
      "broken.yml (Line: 5, Col: 22): Unexpected value 'soon'",
      // The job context exists in steps, not in a job's env.
      "broken.yml (Line: 7, Col: 12): Unrecognized named-value: 'job'",
      expect.stringContaining('broken.yml (Line: 9, Col: 14): The expression is not closed.'),
      "broken.yml (Line: 10, Col: 9): Unexpected value 'bogus'",
    ]);
  });
});

describe('ci.yml', () => {
  const job = workflow('ci.yml').jobs['test']!;

  it('runs npm ci and npm test against a Redis service container', () => {
    expect(job.services?.['redis']?.image).toMatch(/^redis:/);
    const runs = steps('ci.yml').map((step) => step.run ?? '');
    expect(runs.findIndex((run) => run.startsWith('npm ci'))).toBeLessThan(runs.indexOf('npm test'));
    const test = steps('ci.yml').find((step) => step.run === 'npm test')!;
    expect(test.env?.['REDIS_URL']).toBe("redis://127.0.0.1:${{ job.services.redis.ports['6379'] }}");
  });

  it('runs on pushes to main and on pull requests', () => {
    expect(Object.keys(workflow('ci.yml').on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
  });
});

describe('load.yml', () => {
  const all = steps('load.yml');

  it("sets k6 up with k6's own actions and starts the stack before it runs", () => {
    const uses = all.map((step) => step.uses ?? step.run ?? '');
    const start = uses.findIndex((entry) => entry.startsWith('docker compose up'));
    const setup = uses.findIndex((entry) => entry.startsWith('grafana/setup-k6-action@'));
    const run = uses.findIndex((entry) => entry.startsWith('grafana/run-k6-action@'));
    expect(start).toBeGreaterThanOrEqual(0);
    expect(setup).toBeGreaterThan(start);
    expect(run).toBeGreaterThan(setup);
    // k6 runs TypeScript scripts from v0.57 on.
    expect(all[setup]!.with?.['k6-version']).toMatch(/^(0\.(5[7-9]|[6-9]\d)|[1-9]\d*)\.\d+\.\d+$/);
  });

  it('runs every k6 script of k6/, each to its end even when another fails a threshold', () => {
    const run = all.find((step) => step.uses?.startsWith('grafana/run-k6-action@'))!;
    const listed = (run.with?.['path'] ?? '').split('\n').filter(Boolean).sort();
    const scripts = readdirSync(join(ROOT, 'k6'))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
      .map((file) => `k6/${file}`)
      .sort();
    expect(listed).toEqual(scripts);
    expect(run.with?.['fail-fast']).toBe(false);
  });

  it('gives the push scenarios an API key that the stack accepts', () => {
    const start = all.find((step) => step.run?.startsWith('docker compose up'))!;
    expect(start.env?.['API_KEYS']).toBe('k6:${{ env.API_KEY }}:read+write');
    expect(all.some((step) => step.run?.includes('API_KEY=$(openssl rand -hex 24)') === true)).toBe(true);
  });
});
