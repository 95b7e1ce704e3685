// Shared Jest settings: TypeScript through @swc/jest (keeps decorator metadata for Nest), path
// aliases read from tsconfig.base.json so specs import libraries exactly as the apps do.
const path = require('node:path');
const fs = require('node:fs');

const swcConfig = JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc.jest.json'), 'utf8'));
const { paths } = require('./tsconfig.base.json').compilerOptions;

const moduleNameMapper = Object.fromEntries(
  Object.entries(paths).map(([alias, [target]]) => [`^${alias}$`, path.join(__dirname, target)]),
);

// Each test target writes its results as JSON here (--outputFile); .ci/run adds them up.
fs.mkdirSync(path.join(__dirname, 'reports', 'jest'), { recursive: true });

/**
 * @param projectDir the project's folder (its jest config's __dirname)
 * @param suffix which specs: "spec" (unit), "integration-spec" (needs Redis), "e2e-spec"
 */
function jestConfig(projectDir, suffix) {
  return {
    rootDir: projectDir,
    displayName: `${path.relative(__dirname, projectDir)} (${suffix})`,
    testEnvironment: 'node',
    testMatch: [`<rootDir>/**/*.${suffix}.ts`],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    transform: { '^.+\\.(ts|js)$': ['@swc/jest', { ...swcConfig, swcrc: false }] },
    // ESM-only dependencies that Node 20 requires natively but Jest cannot: compiled to CommonJS.
    transformIgnorePatterns: ['/node_modules/(?!(content-disposition)/)'],
    moduleFileExtensions: ['ts', 'js', 'json'],
    moduleNameMapper,
  };
}

module.exports = { jestConfig };
