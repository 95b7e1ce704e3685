// Batch reads, POST /features/batch with random ids: batches of 10 and 100 at 50 VUs (closed
// loop), then batches of 100 at 1,000 requests/s, then batches of 100 of a hot set of 1,000 ids.
//   k6 run -e BASE_URL=http://127.0.0.1:8000 k6/batch-read.ts
import { buildOptions, iterate, parseScenarioFile, readSettings } from './lib/scenarios.ts';

const file = parseScenarioFile(open('./scenarios.json'));
const settings = readSettings(__ENV);

export const options = buildOptions(file, ['batch10_c50', 'batch100_c50', 'batch100_r1000', 'hot_batch100_c50'], settings);

export default function (): void {
  iterate(file, settings);
}
