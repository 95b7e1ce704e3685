import { z } from 'zod';
import { parseEnv } from './env';

/** One environment variable: how it is parsed (and defaulted), and what it does. */
export interface EnvVariable<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  /** What it does, in a sentence or two: the README table and .env.example show it. */
  readonly doc: string;
  /** The default as the docs show it, when it is computed rather than the schema's (e.g. "100; 5000 on a cluster"). */
  readonly shownDefault?: string;
}

export function variable<S extends z.ZodType>(schema: S, doc: string, shownDefault?: string): EnvVariable<S> {
  return shownDefault === undefined ? { schema, doc } : { schema, doc, shownDefault };
}

/** The parsed values of a definition's variables, by variable name. */
export type EnvValues<V extends Record<string, EnvVariable>> = { readonly [K in keyof V]: z.output<V[K]['schema']> };

/**
 * Every variable a program reads, declared once: the parser, the types of the values and the
 * documentation (the README's configuration table and .env.example) all come from it.
 */
export interface EnvDefinition<V extends Record<string, EnvVariable> = Record<string, EnvVariable>> {
  /** Who reads the variables ("api", "ingestor", ...), as the docs name it. */
  readonly reader: string;
  readonly variables: V;
  /** @throws ConfigError naming each invalid variable */
  parse(env: NodeJS.ProcessEnv): EnvValues<V>;
}

export function defineEnv<V extends Record<string, EnvVariable>>(reader: string, variables: V): EnvDefinition<V> {
  const schema = z.object(Object.fromEntries(Object.entries(variables).map(([name, entry]) => [name, entry.schema])));
  return { reader, variables, parse: (env) => parseEnv(schema, env) as EnvValues<V> };
}

/** The default of a variable as text: its documented one, else what its schema makes of no value. */
export function defaultText(entry: EnvVariable): string {
  if (entry.shownDefault !== undefined) return entry.shownDefault;
  const parsed = entry.schema.safeParse(undefined);
  if (!parsed.success || parsed.data === undefined) return '';
  return Array.isArray(parsed.data) ? parsed.data.join(',') : String(parsed.data);
}

/** Each variable once, with every reader that reads it, in first-declared order. */
function merged(definitions: readonly EnvDefinition[]): { name: string; entry: EnvVariable; readers: string[] }[] {
  const byName = new Map<string, { name: string; entry: EnvVariable; readers: string[] }>();
  for (const definition of definitions) {
    for (const [name, entry] of Object.entries(definition.variables)) {
      const known = byName.get(name);
      if (known) known.readers.push(definition.reader);
      else byName.set(name, { name, entry, readers: [definition.reader] });
    }
  }
  return [...byName.values()];
}

/** The README's configuration table: one row per variable, the readers of a shared one together. */
export function markdownTable(definitions: readonly EnvDefinition[]): string {
  const rows = merged(definitions).map(({ name, entry, readers }) => {
    const shown = defaultText(entry);
    const cells = [`\`${name}\``, shown === '' ? 'none' : `\`${shown}\``, readers.join(', '), entry.doc.replace(/\|/g, '\\|')];
    return `| ${cells.join(' | ')} |`;
  });
  return ['| Variable | Default | Read by | What it does |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** What .env.example says before its variables. */
const ENV_EXAMPLE_HEADER = `# Configuration of the feature store, with every default. Copy to .env and edit what you need:
# \`docker compose\` reads .env for the \${...} of docker-compose.yml; the apps themselves read the
# process environment (export the variables, e.g. \`set -a; . ./.env; set +a; npm start\`).
# Generated from libs/config/src/app-env.ts by \`npm run config:docs\`: edit the definitions there.
# An empty value is the default (some are computed: see the README's configuration table).`;

/** .env.example: every variable with its default, a comment above saying what it does. */
export function envExample(definitions: readonly EnvDefinition[]): string {
  return `${ENV_EXAMPLE_HEADER}\n\n${envExampleBody(definitions)}\n`;
}

function envExampleBody(definitions: readonly EnvDefinition[]): string {
  const sections = new Map<string, string[]>();
  for (const { name, entry, readers } of merged(definitions)) {
    const heading = readers.join(' and ');
    const lines = sections.get(heading) ?? [];
    lines.push(...wrap(entry.doc).map((line) => `# ${line}`), `${name}=${entry.shownDefault === undefined ? defaultText(entry) : ''}`);
    sections.set(heading, lines);
  }
  return [...sections].map(([heading, lines]) => [`# --- ${heading} ---`, ...lines].join('\n')).join('\n\n');
}

/** Words joined into lines of at most 98 characters. */
function wrap(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > 98) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return line === '' ? lines : [...lines, line];
}
