// cluster-key-slot ships no types; ioredis routes commands with the same function.
declare module 'cluster-key-slot' {
  /** The Redis Cluster hash slot (0-16383) of a key, hash tags included. */
  function calculateSlot(key: string | Buffer): number;
  export = calculateSlot;
}
