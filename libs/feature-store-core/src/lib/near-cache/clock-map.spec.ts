import fc from 'fast-check';
import { ClockMap } from './clock-map';

interface Entry {
  used: boolean;
  readonly n: number;
}

describe('ClockMap', () => {
  it('evicts the oldest entry not used since it was last passed over, giving used ones a second chance', () => {
    const map = new ClockMap<Entry>(3);
    ['a', 'b', 'c'].forEach((key, n) => map.set(key, { used: false, n }));
    map.get('a')!.used = true;
    map.set('d', { used: false, n: 3 }); // a is spared (its bit cleared), b goes
    expect(['a', 'b', 'c', 'd'].map((key) => map.get(key)?.n)).toEqual([0, undefined, 2, 3]);
    map.set('e', { used: false, n: 4 }); // c is now the oldest unused
    expect(['a', 'c', 'd', 'e'].map((key) => map.get(key)?.n)).toEqual([0, undefined, 3, 4]);
    map.set('f', { used: false, n: 5 }); // a had its second chance
    expect(map.get('a')).toBeUndefined();
  });

  it('replaces an entry in place, without evicting another', () => {
    const map = new ClockMap<Entry>(2);
    map.set('a', { used: false, n: 1 });
    map.set('b', { used: false, n: 2 });
    map.set('a', { used: false, n: 3 });
    expect([map.size, map.get('a')?.n, map.get('b')?.n]).toEqual([2, 3, 2]);
  });

  it('never holds more than its capacity, and holds what was set last, whatever the hits', () => {
    const operation = fc.oneof(
      fc.record({ set: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ hit: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ remove: fc.integer({ min: 0, max: 20 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(operation, { maxLength: 200 }), (capacity, operations) => {
        const map = new ClockMap<Entry>(capacity);
        operations.forEach((operation, n) => {
          if ('set' in operation) {
            map.set(String(operation.set), { used: false, n });
            expect(map.get(String(operation.set))?.n).toBe(n);
          } else if ('hit' in operation) {
            const entry = map.get(String(operation.hit));
            if (entry) entry.used = true;
          } else map.delete(String(operation.remove));
          expect(map.size).toBeLessThanOrEqual(capacity);
        });
      }),
    );
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new ClockMap(0)).toThrow(RangeError);
  });
});
