const path = require('node:path');
const { jestConfig } = require('../../jest.preset.cjs');

const config = jestConfig(__dirname, 'spec');
const actions = path.join(__dirname, '../../node_modules/@actions');
// @actions/workflow-parser and @actions/expressions ship ES modules only: exports with an "import"
// condition alone (mapped here to their files, as Node resolves them) and JSON imported without
// attributes, as bundlers allow. They are compiled to CommonJS like the preset's other ESM dependencies.
module.exports = {
  ...config,
  moduleNameMapper: {
    ...config.moduleNameMapper,
    '^@actions/(workflow-parser|expressions)$': `${actions}/$1/dist/index.js`,
    '^@actions/(workflow-parser|expressions)/(.+)$': `${actions}/$1/dist/$2.js`,
  },
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|@actions/workflow-parser|@actions/expressions)/)'],
};
