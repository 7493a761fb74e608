// `npm run test:unit`: every file of .mocharc.json but those that start real processes (suites.cjs).
const { base, INTEGRATION } = require('./suites.cjs');

module.exports = { ...base, ignore: INTEGRATION };
