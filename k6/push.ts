// Pushes, POST /v1/push/{view} with {"rows": [{"id", "event_ts", "features"}]} and an x-api-key
// header, at a fixed rate. Writes into the target's Redis: never point it at production data.
//   k6 run -e BASE_URL=http://127.0.0.1:8000 -e API_KEY=... k6/push.ts
import { buildOptions, iterate, parseScenarioFile, readSettings } from './lib/scenarios.ts';

const file = parseScenarioFile(open('./scenarios.json'));
const settings = readSettings(__ENV);

export const options = buildOptions(file, ['push_r50'], settings);

export default function (): void {
  iterate(file, settings);
}
