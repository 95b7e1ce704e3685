// The bench's library as the other measuring tools (tools/soak) import it: '@feature-store/bench'.
export { runAutocannon } from './load/autocannon';
export { runPaced } from './load/paced';
export { FAULTS_USAGE, HOSTILE_USAGE, SOAK_USAGE, SOAK_WINDOW_S, type SoakOptions, UsageError, parseFaultsOptions, parseHostileOptions, parseSoakOptions } from './options';
export { build, seed } from './prepare';
export { type ProcessHandle, portOpen, runWithCleanup, startProcess, waitUntil } from './processes';
export { startRedis } from './redis';
export { loadScenarioFile, requestFactory } from './scenarios';
export { startApi } from './servers';
export { LatencyRecorder } from './stats';
