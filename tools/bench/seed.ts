// Fallback seeder, used when the ingestor app is not built: writes the seed layout of the
// scenarios' registry (registry/examples/load-scenarios.yaml), pipelined, and exits.
//   user:{id}:features   hash: age, gender, purchase_count_30d, avg_session_duration_min,
//                        preferred_category, _t (event time, epoch ms)
//   item:{id}:features   hash: price, popularity, _t
//   all_users, all_items sets of every id
// Usage: REDIS_URL=redis://127.0.0.1:6379 node --import tsx tools/bench/seed.ts [count=100000]
import { Redis } from 'ioredis';

const CATEGORIES = ['books', 'electronics', 'fashion', 'home', 'sports', 'toys', 'grocery', 'beauty'];
const GENDERS = ['M', 'F', 'O'];
const CHUNK = 1_000;

const pick = (values: readonly string[]) => values[Math.floor(Math.random() * values.length)];
const intBetween = (low: number, high: number) => low + Math.floor(Math.random() * (high - low + 1));

/** The entities seeded: the hash fields of one id, as Redis stores them. */
const ENTITIES: Readonly<Record<string, () => Record<string, string>>> = {
  user: () => ({
    age: String(intBetween(18, 80)),
    gender: pick(GENDERS),
    purchase_count_30d: String(intBetween(0, 50)),
    avg_session_duration_min: (1 + Math.random() * 59).toFixed(2),
    preferred_category: pick(CATEGORIES),
    _t: String(Date.now()),
  }),
  item: () => ({
    price: (1 + Math.random() * 199).toFixed(2),
    popularity: String(intBetween(0, 1000)),
    _t: String(Date.now()),
  }),
};

/** Writes `count` ids of each entity ("user00000", "item00000" upwards) in pipelined chunks; every reply is checked. */
export async function seedIds(redisUrl: string, count: number): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const digits = Math.max(5, String(count - 1).length);
    for (const [entity, fields] of Object.entries(ENTITIES)) {
      for (let start = 0; start < count; start += CHUNK) {
        const pipeline = redis.pipeline();
        const ids: string[] = [];
        for (let index = start; index < Math.min(count, start + CHUNK); index += 1) {
          const id = `${entity}${String(index).padStart(digits, '0')}`;
          ids.push(id);
          pipeline.hset(`${entity}:${id}:features`, fields());
        }
        pipeline.sadd(`all_${entity}s`, ...ids);
        const replies = await pipeline.exec();
        const failed = replies?.find(([error]) => error);
        if (!replies || failed) throw new Error(`seeding failed: ${failed?.[0]?.message ?? 'no reply'}`);
      }
    }
  } finally {
    redis.disconnect();
  }
}

if (require.main === module) {
  const count = Number(process.argv[2] ?? 100_000);
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  seedIds(url, count).then(
    () => console.log(`seeded ${count} ids of ${Object.keys(ENTITIES).join(', ')} on ${url}`),
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
