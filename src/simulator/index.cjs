'use strict';
// Okta simulator: a deterministic fake Okta org served over loopback HTTP.
//   const { startSimulator, generateOrg } = require('./src/simulator/index.cjs');
// See server.cjs (HTTP behaviour), org.cjs (data), filter.cjs (filter language).

const { startSimulator, Simulator, DEFAULT_RATE_LIMITS, FAULT_TYPES } = require('./server.cjs');
const { generateOrg, Org } = require('./org.cjs');
const { parseFilter, compileFilter, FilterError } = require('./filter.cjs');
const { SIGN_IN_EVENT_TYPES } = require('./data.cjs');

module.exports = {
  startSimulator,
  generateOrg,
  Simulator,
  Org,
  parseFilter,
  compileFilter,
  FilterError,
  SIGN_IN_EVENT_TYPES,
  DEFAULT_RATE_LIMITS,
  FAULT_TYPES,
};
