/** Sleeps that `interrupt()` cuts short, so that a stop request never waits out a pause. */
export class Pause {
  private readonly sleepers = new Set<() => void>();

  for(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  /** Ends every sleep under way. */
  interrupt(): void {
    for (const wake of [...this.sleepers]) wake();
  }
}
