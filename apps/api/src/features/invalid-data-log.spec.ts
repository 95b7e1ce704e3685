import { Logger } from '@nestjs/common';
import { InvalidDataLog } from './invalid-data-log';

describe('InvalidDataLog', () => {
  let now = 0;
  let warnings: string[] = [];

  beforeEach(() => {
    now = 1_000_000;
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
  });

  afterEach(() => jest.restoreAllMocks());

  it('names the key and field, at most once a minute per key', () => {
    const log = new InvalidDataLog(() => now);
    log.value('user:a:features', 'age');
    log.value('user:a:features', 'gender');
    log.entity('user:b:features');
    now += 59_999;
    log.value('user:a:features', 'age');
    expect(warnings).toEqual([
      'Redis key user:a:features: field age does not hold a valid value of its type; served as null (INVALID)',
      'Redis key user:b:features holds another type than a hash; served as not found (INVALID)',
    ]);
    now += 1;
    log.value('user:a:features', 'age');
    expect(warnings).toHaveLength(3);
  });

  it('remembers a bounded number of keys', () => {
    const log = new InvalidDataLog(() => now);
    for (let n = 0; n <= 10_000; n++) log.entity(`k${n}`);
    expect(warnings).toHaveLength(10_001);
    log.entity('k0'); // forgotten to make room: logged again
    log.entity('k10000'); // remembered
    expect(warnings).toHaveLength(10_002);
  });
});
