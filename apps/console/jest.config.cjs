const { jestConfig } = require('../../jest.preset.cjs');

// The specs test the app's pure modules (links, requests, formats, search, series) in Node;
// the rendered pages are tested in Chromium by the integration target.
module.exports = jestConfig(__dirname, 'spec');
