// Single reads, GET /features/{id} with random ids: 50 VUs (closed loop), then 1,000 requests/s,
// then 50 VUs reading a hot set of 1,000 ids (the near-cache's case).
//   k6 run -e BASE_URL=http://127.0.0.1:8000 k6/single-read.ts
import { buildOptions, iterate, parseScenarioFile, readSettings } from './lib/scenarios.ts';

const file = parseScenarioFile(open('./scenarios.json'));
const settings = readSettings(__ENV);

export const options = buildOptions(file, ['single_c50', 'single_r1000', 'hot_single_c50'], settings);

export default function (): void {
  iterate(file, settings);
}
