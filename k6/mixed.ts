// A mix of single reads, batches and pushes at a fixed rate (shares in scenarios.json); latency
// thresholds per part use the request tag "part". Pushes need API_KEY.
//   k6 run -e BASE_URL=http://127.0.0.1:8000 -e API_KEY=... k6/mixed.ts
import { buildOptions, iterate, parseScenarioFile, readSettings } from './lib/scenarios.ts';

const file = parseScenarioFile(open('./scenarios.json'));
const settings = readSettings(__ENV);

export const options = buildOptions(file, ['mixed_r1000'], settings);

export default function (): void {
  iterate(file, settings);
}
