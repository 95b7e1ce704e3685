const { ingestorJestConfig } = require('./jest.shared.cjs');

module.exports = ingestorJestConfig(__dirname, '{integration-spec,e2e-spec}');
