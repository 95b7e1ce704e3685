// The integration suites on a local Redis Cluster (the target starts it: tools/cluster/cluster.ts
// run), plus the specs that only make sense on a cluster (*.cluster-spec.ts).
const { jestConfig } = require('../../jest.preset.cjs');

module.exports = jestConfig(__dirname, '{integration-spec,cluster-spec}');
