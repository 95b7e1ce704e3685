/**
 * Polls `predicate` (a rejection counts as false) until it holds; resolves with the milliseconds
 * it took, rejects naming `what` after `ms`. Bounded: no test waits for ever.
 */
export async function eventually(
  what: string,
  ms: number,
  predicate: () => Promise<boolean> | boolean,
  intervalMs = 10,
): Promise<number> {
  const started = Date.now();
  while (!(await Promise.resolve().then(predicate).catch(() => false))) {
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return Date.now() - started;
}
