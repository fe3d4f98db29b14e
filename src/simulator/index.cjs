'use strict';
// Okta simulator: a deterministic fake Okta org served over loopback HTTP, for
// tests, the benchmark (via cli.cjs in its own process) and the demo.
//
//   const { startSimulator, generateOrg } = require('./src/simulator/index.cjs');
//   const sim = await startSimulator({ users: 250, groups: 40, events: 2000, apps: 12, seed: 1 });
//   // logFamilies: true adds admin, lifecycle, security, app-access and MFA events.
//   // sim.url, sim.token, sim.org, sim.requests, sim.stats(), sim.setOptions({...}),
//   // sim.setOptions({ logNextSince: 'keep'|'drop'|'shift', logShuffle, logRejectEventTypes, onResponse, ... }),
//   // sim.resetLog(), sim.addUsers(n), sim.updateUser(id, {status, profile}),
//   // sim.deleteUser(id), sim.addGroups(n), sim.updateGroup(id, {profile}), sim.deleteGroup(id),
//   // sim.addEvents([partialEvent]), sim.userLifecycle(userId, eventType), sim.enrollFactor(userId, partial),
//   // sim.deactivateFactor(userId, factorId), sim.resetFactors(userId),
//   // sim.updateFactor(userId, factorId, change), sim.patchFactor(...), sim.patchApp(...),
//   // await sim.close()
//
// Files: org.cjs (lazy data from (seed, index)), filter.cjs (Okta filter
// language), server.cjs (HTTP behaviour), data.cjs (vocabularies), rng.cjs
// (hashing and invertible ids), cli.cjs (separate-process entry point).

const { startSimulator, Simulator, DEFAULT_RATE_LIMITS, FAULT_TYPES, LOG_NEXT_SINCE } = require('./server.cjs');
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
  LOG_NEXT_SINCE,
};
