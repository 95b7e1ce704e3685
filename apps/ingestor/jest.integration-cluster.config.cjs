// The integration suites on a local Redis Cluster (the target starts it: tools/cluster/cluster.ts
// run), plus the specs that only make sense on a cluster (*.cluster-spec.ts).
const { ingestorJestConfig } = require('./jest.shared.cjs');

module.exports = ingestorJestConfig(__dirname, '{integration-spec,e2e-spec,cluster-spec}');
