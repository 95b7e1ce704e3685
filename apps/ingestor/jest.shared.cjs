// The workspace preset, plus the ingestor's ESM-only dependencies (the Parquet reader and the
// writer its tests use): Node 20 requires them natively, Jest needs them compiled to CommonJS.
const { jestConfig } = require('../../jest.preset.cjs');

const ESM_ONLY = ['hyparquet', 'hyparquet-writer'];

function ingestorJestConfig(projectDir, suffix) {
  const config = jestConfig(projectDir, suffix);
  const patterns = config.transformIgnorePatterns.map((pattern) => pattern.replace('/node_modules/(?!(', `/node_modules/(?!(${ESM_ONLY.join('|')}|`));
  if (patterns.join() === config.transformIgnorePatterns.join()) throw new Error('jest.preset.cjs: transformIgnorePatterns changed shape');
  return { ...config, transformIgnorePatterns: patterns };
}

module.exports = { ingestorJestConfig };
