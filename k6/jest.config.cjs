const { jestConfig } = require('../jest.preset.cjs');

const config = jestConfig(__dirname, 'spec');

// k6's built-in modules exist only inside k6: the spec loads the scripts against stubs.
module.exports = {
  ...config,
  moduleNameMapper: { ...config.moduleNameMapper, '^k6(/.*)?$': '<rootDir>/test/k6-modules.stub.cjs' },
};
