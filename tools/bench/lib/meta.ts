// Facts about the run that every report records: the commit measured and the machine's load.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';

/** The commit measured, marked when apps/ or libs/ had uncommitted changes at the time. */
export function gitCommit(root: string): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', 'apps', 'libs') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in apps/ or libs/' : ''}`;
  } catch (error) {
    return `unknown (${(error as Error).message.split('\n')[0]})`;
  }
}

export const loadAverage = (): string[] => loadavg().map((value) => value.toFixed(2));
