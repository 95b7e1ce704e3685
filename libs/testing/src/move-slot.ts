/** A connection to one master (an ioredis client). */
export interface MasterConnection {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  readonly options: { readonly port?: number };
}

/**
 * Moves a hash slot, and its keys, from the master holding keys of it to the next master, by hand
 * as `redis-cli --cluster reshard` does (IMPORTING / MIGRATING, MIGRATE, SETSLOT NODE on every
 * master): clients learn of it only from MOVED / ASK replies.
 */
export async function moveSlot(masters: readonly MasterConnection[], slot: number): Promise<void> {
  const ids = await Promise.all(masters.map((master) => master.call('CLUSTER', 'MYID') as Promise<string>));
  const counts = await Promise.all(masters.map((master) => master.call('CLUSTER', 'COUNTKEYSINSLOT', slot) as Promise<number>));
  const from = counts.findIndex((count) => count > 0);
  if (from < 0) throw new Error(`no master holds keys of slot ${slot}`);
  const to = (from + 1) % masters.length;
  await masters[to]!.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', ids[from]!);
  await masters[from]!.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', ids[to]!);
  const keys = (await masters[from]!.call('CLUSTER', 'GETKEYSINSLOT', slot, 100)) as string[];
  await masters[from]!.call('MIGRATE', '127.0.0.1', masters[to]!.options.port!, '', 0, 5_000, 'KEYS', ...keys);
  for (const master of masters) await master.call('CLUSTER', 'SETSLOT', slot, 'NODE', ids[to]!);
}
