// `npm run test:integration`: the files that start real processes (suites.cjs).
const { base, INTEGRATION } = require('./suites.cjs');

module.exports = { ...base, spec: INTEGRATION };
