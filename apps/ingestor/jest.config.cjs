const { ingestorJestConfig } = require('./jest.shared.cjs');

module.exports = ingestorJestConfig(__dirname, 'spec');
