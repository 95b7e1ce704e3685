// Feast-style reads, POST /get-online-features: 100 entity rows (a user and an item each) x 3
// features of two views of different entities, at 50 VUs (closed loop). Run the stack on
// registry/examples/load-scenarios.yaml (REGISTRY_PATH), which seeds its users and items.
//   k6 run -e BASE_URL=http://127.0.0.1:8000 k6/feast-read.ts
import { buildOptions, iterate, parseScenarioFile, readSettings } from './lib/scenarios.ts';

const file = parseScenarioFile(open('./scenarios.json'));
const settings = readSettings(__ENV);

export const options = buildOptions(file, ['feast100_c50'], settings);

export default function (): void {
  iterate(file, settings);
}
