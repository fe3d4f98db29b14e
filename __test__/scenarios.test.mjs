// The connector run the way a deployment runs it: rawdash's server (ServerRunner, both
// policies) over rawdash's SQLite storage, driven by a dashboard, against an Okta that
// reads its undocumented System Log paging either way (logNextSince). After EVERY run,
// what the dashboard would show (rawdash's compute rules over the storage) must equal
// the simulator's truth (issue 16).
//
// Time is scaled: an "hour" between scheduled runs is HOUR real ms (the next server's
// backfill cadence too), so two simulated days of hourly runs take about half a minute;
// everything else (the org, the connector, the server) runs on the real clock.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { withSim, connectorFor, captureLogger, expectedUser, expectedGroup, expectedEvent, SIGN_IN_EVENT_TYPES, LOG_READINGS, rng } from './helpers.mjs'
import { ServerRunner } from '../src/js/host.mjs'
import { SqliteStorage } from './support/sqlite-storage.mjs'
import { defineMetric, defineDashboard, computeMetric, computeOver, widgetMetrics, validateMetrics } from './support/rawdash-widgets.mjs'
import { resources } from '../src/js/index.mjs'

const DAY = 86_400_000
const MINUTE = 60_000
const HOUR = Number(process.env.OKTA_SCENARIO_HOUR_MS ?? 450)
const RUNS = 48
const okta = { name: 'okta' }
const FAST = { limit: 100_000, windowMs: 1000 }
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-scenarios-'))
after(() => fs.rmSync(dir, { recursive: true, force: true }))
let dbCount = 0
const openDb = () => SqliteStorage.open(path.join(dir, `db${dbCount++}.sqlite`))
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))

// ---------------------------------------------------------------- the dashboard

const ACTIVE = [{ field: 'status', op: 'eq', value: 'ACTIVE' }]
const FAILURE = [{ field: 'result', op: 'eq', value: 'FAILURE' }]
const perDay = { field: 'start_ts', granularity: 'day' }

/** The identity dashboard of the issue: sign-ins and failures per day over 30 days, active users, groups (and MFA). */
function identityDashboard({ factors = false } = {}) {
  const widgets = {
    sign_ins_per_day: { kind: 'timeseries', title: 'Sign-ins per day', window: '30d', metric: defineMetric({ connector: okta, shape: 'event', name: 'okta_auth_event', fn: 'count', window: '30d', groupBy: perDay }) },
    failures_per_day: { kind: 'timeseries', title: 'Failed sign-ins per day', window: '30d', metric: defineMetric({ connector: okta, shape: 'event', name: 'okta_auth_event', fn: 'count', window: '30d', filter: FAILURE, groupBy: perDay }) },
    active_users: { kind: 'stat', title: 'Active users', metric: defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_user', fn: 'count', filter: ACTIVE }) },
    groups: { kind: 'stat', title: 'Groups', metric: defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_group', fn: 'count' }) },
    last_changed_group: { kind: 'stat', title: 'Last changed group', metric: defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_group', fn: 'latest', field: 'name' }) },
  }
  if (factors) widgets.active_factors = { kind: 'stat', title: 'Active MFA factors', metric: defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_factor', fn: 'count', filter: ACTIVE }) }
  return defineDashboard({ widgets })
}

test('the scenario dashboards are widgets rawdash accepts, on fields the connector declares', () => {
  for (const factors of [false, true]) assert.deepEqual(validateMetrics({ identity: identityDashboard({ factors }) }, resources), [])
})

// ---------------------------------------------------------------- the truth

/**
 * What the org holds, as records a correct sync stores: users, groups (with stats),
 * sign-in events (the generated ones mapped once, added ones as they come) and factors.
 */
class Truth {
  constructor(org) {
    this.org = org
    this.events = []
    this.seen = 0
  }

  records({ factors = false } = {}) {
    const org = this.org
    for (; this.seen < org.eventCount; this.seen++) {
      const e = org.event(this.seen)
      if (SIGN_IN_EVENT_TYPES.includes(e.eventType)) this.events.push(expectedEvent(e))
    }
    const entities = [...org.users()].map(expectedUser)
    for (const g of org.groups({ expand: 'stats' })) entities.push(expectedGroup(g))
    if (factors) {
      for (const u of org.users()) {
        if (u.status === 'DEPROVISIONED') continue
        for (const f of org.factors(u.id)) entities.push({ type: 'okta_factor', id: f.id, attributes: { userId: u.id, status: f.status, factorType: f.factorType }, updated_at: Date.parse(f.lastUpdated) })
      }
    }
    return { entities, events: this.events }
  }
}

/** Every widget's value: over `storage` (what the dashboard shows) and over the truth. */
async function dashboardValues(storage, dashboard, now) {
  const out = {}
  for (const [id, w] of Object.entries(dashboard.widgets)) out[id] = await computeMetric(storage, widgetMetrics(w)[0], { now })
  return out
}
function truthValues(records, dashboard, now) {
  const out = {}
  for (const [id, w] of Object.entries(dashboard.widgets)) out[id] = computeOver(records, widgetMetrics(w)[0], { now })
  return Promise.all(Object.entries(out).map(async ([id, v]) => [id, await v])).then(Object.fromEntries)
}

/** The widgets that differ, said in words (per day for series). */
function differences(shown, truth, dashboard) {
  const out = []
  for (const id of Object.keys(truth)) {
    const a = shown[id]
    const b = truth[id]
    if (JSON.stringify(a) === JSON.stringify(b)) continue
    const title = dashboard.widgets[id].title
    if (Array.isArray(b) || Array.isArray(a)) {
      const days = new Map()
      for (const { date, value } of a ?? []) days.set(date, [value, 0])
      for (const { date, value } of b ?? []) days.set(date, [days.get(date)?.[0] ?? 0, value])
      const wrong = [...days].filter(([, [x, y]]) => x !== y).sort()
      const missing = wrong.reduce((n, [, [x, y]]) => n + Math.max(0, y - x), 0)
      const extra = wrong.reduce((n, [, [x, y]]) => n + Math.max(0, x - y), 0)
      out.push(`"${title}": ${wrong.length} days wrong, ${missing} missing, ${extra} extra (e.g. ${wrong.slice(0, 3).map(([d, [x, y]]) => `${d}: ${x} shown, ${y} in Okta`).join('; ')})`)
    } else {
      out.push(`"${title}": shows ${JSON.stringify(a)}, Okta has ${JSON.stringify(b)}`)
    }
  }
  return out
}

/** Users whose stored status differs from Okta's (to say why "Active users" is wrong). */
async function staleUsers(storage, records) {
  const stored = new Map((await storage.queryEntities({ type: 'okta_user' })).map((u) => [u.id, u.attributes.status]))
  const active = (s) => s === 'ACTIVE'
  return records.entities.filter((e) => e.type === 'okta_user' && active(stored.get(e.id)) !== active(e.attributes.status)).map((e) => `${e.id} stored ${stored.get(e.id) ?? 'missing'} (Okta: ${e.attributes.status})`)
}

/**
 * System Log chains (one query and its next links) that paid for more than one page
 * lying entirely below the lower bound the chain asked for: a client that follows a
 * link whose since was dropped or changed must stop once it has passed its bound.
 */
function chainsPastTheirBound(sim) {
  const byChain = new Map()
  for (const r of sim.requests) {
    if (r.bucket !== 'logs' || r.status !== 200 || !r.logItems || r.logBelowChain !== r.logItems) continue
    const key = `${r.logChainSince}..${r.logUntil}`
    byChain.set(key, (byChain.get(key) ?? 0) + 1)
  }
  return [...byChain].filter(([, n]) => n > 1).map(([k, n]) => `${n} pages below ${new Date(Number(k.split('..')[0])).toISOString()} (until ${k.split('..')[1] === 'null' ? 'now' : new Date(Number(k.split('..')[1])).toISOString()})`)
}

// ---------------------------------------------------------------- the org changing

const pick = (random, list) => list[Math.floor(random() * list.length)]
const withStatus = (org, status) => [...org.users()].filter((u) => u.status === status)

/** One simulated hour of an org's life before run `k`: sign-ins, late events, status, group and factor changes. */
function hourOfChanges(sim, k, random, { factors, deprovision }) {
  const org = sim.org
  const now = Date.now()
  const active = withStatus(org, 'ACTIVE')
  const signIn = (published, result = 'SUCCESS') => ({ eventType: pick(random, SIGN_IN_EVENT_TYPES), published, outcome: { result, reason: result === 'FAILURE' ? 'INVALID_CREDENTIALS' : null }, actor: { id: pick(random, active).id } })
  const events = []
  for (let i = 0, n = 2 + Math.floor(random() * 4); i < n; i++) events.push(signIn(now, random() < 0.25 ? 'FAILURE' : 'SUCCESS'))
  // Late-indexed: published before the previous run ended, persisted now.
  if (k % 3 === 1) events.push(signIn(now - 2 * MINUTE, 'FAILURE'))
  if (k % 7 === 3) events.push(signIn(now - 50 * MINUTE))
  sim.addEvents(events)
  // Users leave ACTIVE, come back, are added (and deprovisioned where factors are off).
  if (k % 2 === 1) for (let i = 0; i < 2; i++) sim.updateUser(pick(random, withStatus(org, 'ACTIVE')).id, { status: random() < 0.7 ? 'SUSPENDED' : 'LOCKED_OUT' })
  if (k % 4 === 2) {
    const suspended = withStatus(org, 'SUSPENDED')
    if (suspended.length) sim.updateUser(pick(random, suspended).id, { status: 'ACTIVE' })
  }
  if (deprovision && k % 5 === 4) sim.updateUser(pick(random, withStatus(org, 'ACTIVE')).id, { status: 'DEPROVISIONED' })
  if (k % 6 === 5) sim.addUsers(1)
  if (k % 4 === 0) sim.updateUser(pick(random, withStatus(org, 'ACTIVE')).id, { profile: { lastName: `Renamed${k}` } })
  // Groups renamed and added.
  if (k % 3 === 2) {
    const g = org.group(1 + Math.floor(random() * (org.groupCount - 1)))
    if (g) sim.updateGroup(g.id, { profile: { name: `Team ${k}` } })
  }
  // Never in the hour of a rename: "Last changed group" needs one latest change.
  if (k % 8 === 4 && k % 3 !== 2) sim.addGroups(1)
  if (factors) {
    if (k % 3 === 0) sim.enrollFactor(pick(random, withStatus(org, 'ACTIVE')).id, { factorType: 'webauthn', provider: 'FIDO' })
    if (k % 5 === 1) {
      const u = withStatus(org, 'ACTIVE').find((x) => org.factors(x.id).length > 0 && random() < 0.3)
      if (u) sim.deactivateFactor(u.id, org.factors(u.id)[0].id)
    }
    if (k % 11 === 6) {
      const u = withStatus(org, 'ACTIVE').find((x) => org.factors(x.id).length > 1)
      if (u) sim.resetFactors(u.id)
    }
  }
}

/**
 * Arms a change DURING the coming run: right after its users listing ends (the last
 * users page is served), an ACTIVE user is suspended while the run goes on.
 */
function duringRun(sim, random) {
  const armed = { fired: null }
  sim.setOptions({
    onResponse: (entry) => {
      if (armed.fired || entry.bucket !== 'users' || entry.path !== '/api/v1/users' || entry.status !== 200 || entry.next) return
      const u = pick(random, withStatus(sim.org, 'ACTIVE'))
      sim.updateUser(u.id, { status: 'SUSPENDED' })
      armed.fired = { id: u.id, at: Date.now() }
    },
  })
  return {
    get fired() { return armed.fired },
    disarm: () => sim.setOptions({ onResponse: null }),
  }
}

// ---------------------------------------------------------------- two simulated days

const ORG = { users: 300, groups: 30, events: 3000, apps: 12, seed: 31, eventSpanMs: 25 * DAY, rateLimits: { users: FAST, groups: FAST, logs: FAST, factors: FAST }, latencyMs: { logs: 15 } }

async function twoDays({ policy, reading, factors }) {
  await withSim({ ...ORG, logNextSince: reading }, async (sim) => {
    const storage = await openDb()
    const logger = captureLogger()
    const settings = factors ? { resources: ['users', 'groups', 'auth_events', 'factors'] } : {}
    const { connector } = connectorFor(sim, settings, { logger })
    const dashboard = identityDashboard({ factors })
    const server = new ServerRunner(connector, storage, { dashboards: { identity: dashboard }, policy, cadenceMs: HOUR })
    const random = rng(policy === 'next' ? 7 : 8)
    const truth = new Truth(sim.org)
    let pendingDuringRun = null
    const t0 = Date.now()
    for (let k = 0; k < RUNS; k++) {
      await sleep(t0 + k * HOUR - Date.now())
      if (k > 0) hourOfChanges(sim, k, random, { factors, deprovision: !factors })
      // The org as it is when the run starts (a change during the run is the next run's).
      const now = Date.now()
      const records = truth.records({ factors })
      const want = await truthValues(records, dashboard, now)
      const plan = server.choose(now)
      // Changed during a run whose next run is incremental (on the next server: a full one).
      const hook = k > 0 && (policy === 'released' ? k % 4 === 0 : plan.mode === 'full') ? duringRun(sim, random) : null
      const rec = await server.run()
      hook?.disarm()
      const where = `run ${k + 1} of ${RUNS} (${rec.mode}${rec.since ? ` since ${rec.since}` : ''}, ${policy} server, next links: ${reading})`
      assert.equal(rec.ok, true, `${where}: failed: ${rec.error}`)
      const shown = await dashboardValues(storage, dashboard, now)
      const diff = differences(shown, want, dashboard)
      if (diff.length) {
        const stale = await staleUsers(storage, records)
        const note = pendingDuringRun ? ` A user was suspended during the previous run after its users phase (${pendingDuringRun.id}).` : ''
        assert.fail(`${where}: the dashboard is wrong: ${diff.join('; ')}.${stale.length ? ` Users not as in Okta: ${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ` (+${stale.length - 5})` : ''}.` : ''}${note}`)
      }
      pendingDuringRun = hook?.fired ?? null
      assert.deepEqual(chainsPastTheirBound(sim), [], `${where}: System Log pages fetched for nothing`)
    }
    const modes = server.runs.map((r) => r.mode)
    if (policy === 'next') assert.ok(modes.filter((m) => m === 'latest').length >= RUNS / 3, `the next server ran latest runs too: ${modes.join(',')}`)
    else assert.ok(modes.every((m) => m === 'full'))
    storage.close()
  })
}

for (const policy of ['next', 'released']) {
  for (const reading of LOG_READINGS) {
    test(`two simulated days of hourly runs: the dashboard equals Okta after every run (${policy} server, next links: ${reading}${policy === 'next' ? ', with MFA factors' : ''})`, { timeout: 90_000 }, () => twoDays({ policy, reading, factors: policy === 'next' }))
  }
}

test('two simulated days of hourly runs against an Okta whose next links shift since (next server)', { timeout: 90_000 }, () => twoDays({ policy: 'next', reading: 'shift', factors: false }))

// ---------------------------------------------------------------- the 30-day backfill target

const signInWindow = (days, extra = {}) => ({
  identity: defineDashboard({
    widgets: {
      sign_ins_per_day: { kind: 'timeseries', title: 'Sign-ins per day', window: `${days}d`, metric: defineMetric({ connector: okta, shape: 'event', name: 'okta_auth_event', fn: 'count', window: `${days}d`, groupBy: perDay }) },
      active_users: { kind: 'stat', title: 'Active users', metric: defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_user', fn: 'count', filter: ACTIVE }) },
      groups: { kind: 'stat', title: 'Groups', metric: defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_group', fn: 'count' }) },
      ...extra,
    },
  }),
})

/** Sign-in uuids missing from / duplicated in storage. */
async function exactness(storage, truth) {
  const counts = await storage.eventUuidCounts()
  const want = truth.records().events
  const missing = want.filter((e) => !counts.has(e.attributes.uuid))
  const duplicated = [...counts.values()].filter((n) => n > 1).length
  const extra = counts.size - (want.length - missing.length)
  return { missing, duplicated, extra, want: want.length }
}

for (const reading of LOG_READINGS) {
  test(`the 30-day backfill on the real runner: logs 20 requests / 5 s, host timeout 40 s, budget 30 s (next links: ${reading})`, { timeout: 150_000 }, async () => {
    // About 34,000 sign-ins over 29.5 days: ~35 full pages at 2 requests a second (half of 20 / 5 s).
    await withSim({ users: 200, groups: 10, events: 40_000, seed: 41, eventSpanMs: 29.5 * DAY, logNextSince: reading, rateLimits: { logs: { limit: 20, windowMs: 5000 } } }, async (sim) => {
      const storage = await openDb()
      const logger = captureLogger()
      const { connector } = connectorFor(sim, {}, { logger, syncBudgetMs: 30_000 })
      const server = new ServerRunner(connector, storage, { dashboards: signInWindow(30), timeoutMs: 40_000 })
      const truth = new Truth(sim.org)
      const pages = Math.ceil(truth.records().events.length / 1000)
      const floorRuns = Math.ceil(pages / (30 * 2))
      const first = await server.run()
      assert.equal(first.ok, true, `run 1 (${first.mode}): ${first.error}`)
      const counts = await storage.eventUuidCounts()
      const newest = truth.records().events.filter((e) => e.start_ts >= first.startedAt - DAY)
      const newestMissing = newest.filter((e) => !counts.has(e.attributes.uuid)).length
      assert.equal(newestMissing, 0, `the newest day is complete after run 1 (${newestMissing} of ${newest.length} missing)`)
      let state = await exactness(storage, truth)
      let runs = 1
      while ((state.missing.length || state.duplicated || state.extra) && runs < floorRuns + 1) {
        const r = await server.run()
        runs++
        assert.equal(r.ok, true, `run ${runs} (${r.mode}): ${r.error}`)
        state = await exactness(storage, truth)
      }
      assert.deepEqual(chainsPastTheirBound(sim), [], 'System Log pages fetched for nothing')
      const complete = logger.named('backfill complete')
      assert.deepEqual(
        { missing: state.missing.length, duplicated: state.duplicated, extra: state.extra },
        { missing: 0, duplicated: 0, extra: 0 },
        `after ${runs} runs (floor ${floorRuns} + 1): ${state.missing.length} of ${state.want} sign-ins missing (oldest missing ${state.missing[0] ? new Date(Math.min(...state.missing.map((e) => e.start_ts))).toISOString() : '-'}), ${state.duplicated} duplicated; the connector logged "backfill complete" ${complete.length} times${complete[0] ? ` (${JSON.stringify(complete[0].fields)})` : ''}`,
      )
      storage.close()
    })
  })
}

// ---------------------------------------------------------------- faults and windows

test('a persistent 503 on /api/v1/logs: the run fails with the typed error before the host timeout, users and groups stored, a few dozen sync() calls at most', { timeout: 60_000 }, async () => {
  await withSim({ users: 120, groups: 10, events: 2000, seed: 43, faults: [{ type: '503', bucket: 'logs' }] }, async (sim) => {
    const storage = await openDb()
    // Scaled: the budget 8 s inside a 12 s host timeout (rawdash: 240 s inside 300 s).
    const { connector } = connectorFor(sim, {}, { logger: captureLogger(), syncBudgetMs: 8000 })
    const server = new ServerRunner(connector, storage, { dashboards: signInWindow(7), timeoutMs: 12_000 })
    const rec = await server.run()
    const logRequests = sim.requests.filter((r) => r.bucket === 'logs').length
    const summary = `ok ${rec.ok}, error ${JSON.stringify(rec.error)}, kind ${rec.thrown?.kind}, ${rec.calls} sync() calls (${rec.transientErrors} with transientError), ${rec.ms} ms, ${logRequests} log requests`
    assert.equal(rec.ok, false, `the host must not record success with no sign-in stored: ${summary}`)
    assert.doesNotMatch(String(rec.error), /timed out/, `the run ends before the host timeout with Okta's error: ${summary}`)
    assert.ok(['upstream_bug', 'transient'].includes(rec.thrown?.kind), `a typed error: ${summary}`)
    assert.ok(rec.calls <= 36, `no spinning: ${summary}`)
    // Users and groups were stored: their widgets show Okta's numbers.
    const now = Date.now()
    const truth = new Truth(sim.org).records()
    for (const id of ['active_users', 'groups']) {
      const metric = signInWindow(7).identity.widgets[id].metric
      assert.equal(await computeMetric(storage, metric, { now }), await computeOver(truth, metric, { now }), `${id} after the failed run`)
    }
    storage.close()
  })
})

test("a 90-day widget on okta_user does not widen the System Log read (7-day sign-in widget: logs read from 8 days back at most)", { timeout: 60_000 }, async () => {
  await withSim({ users: 80, groups: 5, events: 6000, seed: 44, eventSpanMs: 60 * DAY, rateLimits: { logs: FAST } }, async (sim) => {
    const storage = await openDb()
    const users90 = { kind: 'stat', title: 'Users seen in 90 days', window: '90d', metric: defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_user', fn: 'count' }) }
    const dashboards = signInWindow(7, { users90 })
    const { connector } = connectorFor(sim, {}, { logger: captureLogger() })
    const server = new ServerRunner(connector, storage, { dashboards })
    assert.equal(server.widestWindowMs(), 90 * DAY, "rawdash's since is connector-wide")
    const rec = await server.run()
    assert.equal(rec.ok, true, String(rec.error))
    assert.equal(rec.since, new Date(rec.startedAt - 91 * DAY).toISOString())
    const oldest = Math.min(...sim.requests.filter((r) => r.bucket === 'logs' && r.status === 200).map((r) => r.logSince))
    const floor = rec.startedAt - 8 * DAY - MINUTE
    assert.ok(oldest >= floor, `the oldest since on /api/v1/logs is ${((rec.startedAt - oldest) / DAY).toFixed(2)} days back (the sign-in widget needs 7 + 1)`)
    const stored = await storage.queryEvents({ name: 'okta_auth_event' })
    assert.ok(stored.every((e) => e.start_ts >= floor), `${stored.filter((e) => e.start_ts < floor).length} sign-ins older than 8 days stored`)
    const now = Date.now()
    const truth = new Truth(sim.org).records()
    const metric = dashboards.identity.widgets.sign_ins_per_day.metric
    assert.deepEqual(await computeMetric(storage, metric, { now }), await computeOver(truth, metric, { now }))
    storage.close()
  })
})

test('fetch specs with and without a window for the same resource: the unbounded one reads all of the 90 days Okta keeps', { timeout: 60_000 }, async () => {
  await withSim({ users: 40, groups: 3, events: 4000, seed: 45, eventSpanMs: 60 * DAY, rateLimits: { logs: FAST } }, async (sim) => {
    const storage = await openDb()
    const allFailures = { kind: 'stat', title: 'Failed sign-ins (all time)', metric: defineMetric({ connector: okta, shape: 'event', name: 'okta_auth_event', fn: 'count', filter: FAILURE }) }
    const dashboards = signInWindow(7, { all_failures: allFailures })
    const { connector } = connectorFor(sim, {}, { logger: captureLogger() })
    const server = new ServerRunner(connector, storage, { dashboards })
    assert.deepEqual(server.fetchSpecs.okta_auth_event, [{ requiredWindowMs: 7 * DAY }, { filter: FAILURE }])
    const rec = await server.run()
    assert.equal(rec.ok, true, String(rec.error))
    const now = Date.now()
    const truth = new Truth(sim.org).records()
    for (const id of ['sign_ins_per_day', 'all_failures']) {
      const metric = dashboards.identity.widgets[id].metric
      assert.deepEqual(await computeMetric(storage, metric, { now }), await computeOver(truth, metric, { now }), id)
    }
    storage.close()
  })
})

test('a host that passes an empty resources Set (a connector referenced only by a status widget) gets a successful run and exact storage', { timeout: 30_000 }, async () => {
  await withSim({ users: 30, groups: 3, events: 300, seed: 46 }, async (sim) => {
    const storage = await openDb()
    const { connector } = connectorFor(sim, {}, { logger: captureLogger() })
    const server = new ServerRunner(connector, storage, { dashboards: { ops: defineDashboard({ widgets: { health: { kind: 'status', title: 'Okta', source: 'okta' } } }) } })
    assert.equal(server.resources.size, 0)
    const rec = await server.run()
    assert.equal(rec.ok, true, String(rec.error))
    const state = await exactness(storage, new Truth(sim.org))
    assert.equal(state.duplicated + state.extra, 0)
    storage.close()
  })
})

for (const reading of LOG_READINGS) {
  test(`events out of published order inside each page (next links: ${reading}): every run exact, nothing fetched for nothing`, { timeout: 60_000 }, async () => {
    await withSim({ users: 40, groups: 3, events: 12_000, seed: 48, eventSpanMs: 20 * DAY, logNextSince: reading, logShuffle: true, rateLimits: { logs: FAST } }, async (sim) => {
      const storage = await openDb()
      const { connector } = connectorFor(sim, {}, { logger: captureLogger() })
      const server = new ServerRunner(connector, storage, { dashboards: signInWindow(30) })
      const truth = new Truth(sim.org)
      for (let i = 0; i < 3; i++) {
        if (i > 0) sim.addEvents([{ eventType: 'user.session.start', published: Date.now() - 90_000 }, { eventType: 'user.authentication.sso' }])
        const rec = await server.run()
        assert.equal(rec.ok, true, `run ${i + 1}: ${rec.error}`)
        const state = await exactness(storage, truth)
        assert.deepEqual({ missing: state.missing.length, duplicated: state.duplicated, extra: state.extra }, { missing: 0, duplicated: 0, extra: 0 }, `run ${i + 1} (${rec.mode})`)
      }
      assert.deepEqual(chainsPastTheirBound(sim), [])
      storage.close()
    })
  })
}

test('System Log next links pointing at another path are not followed; storage stays exact and the log says so', { timeout: 60_000 }, async () => {
  await withSim({ users: 40, groups: 3, events: 6000, seed: 49, eventSpanMs: 12 * DAY, linkPath: { logs: '/api/v1/users' }, rateLimits: { logs: FAST } }, async (sim) => {
    const storage = await openDb()
    const logger = captureLogger()
    const { connector } = connectorFor(sim, {}, { logger })
    const server = new ServerRunner(connector, storage, { dashboards: signInWindow(30) })
    const rec = await server.run()
    assert.equal(rec.ok, true, String(rec.error))
    const followed = sim.requests.filter((r) => r.bucket === 'users' && r.query.sortOrder !== undefined)
    assert.equal(followed.length, 0, 'the token went to another endpoint with a log cursor')
    const state = await exactness(storage, new Truth(sim.org))
    assert.deepEqual({ missing: state.missing.length, duplicated: state.duplicated, extra: state.extra }, { missing: 0, duplicated: 0, extra: 0 })
    assert.ok(logger.events.some((e) => e.level === 'warn' && /link/i.test(e.event)), `a warning: ${JSON.stringify(logger.events.filter((e) => e.level === 'warn').map((e) => e.event))}`)
    storage.close()
  })
})

// ---------------------------------------------------------------- no dip

test('a full sync of 20,000 users: "Active users" sampled every 100 ms never reads below Okta; with deletions, below it for at most 1 s', { timeout: 120_000 }, async () => {
  await withSim({ users: 20_000, groups: 5, events: 200, seed: 47, rateLimits: { users: { limit: 2000, windowMs: 1000 } } }, async (sim) => {
    const storage = await openDb()
    const dashboards = signInWindow(7)
    const metric = dashboards.identity.widgets.active_users.metric
    // rawdash's released server: every run full.
    const { connector } = connectorFor(sim, {}, { logger: captureLogger() })
    const server = new ServerRunner(connector, storage, { dashboards, policy: 'released' })
    const first = await server.run()
    assert.equal(first.ok, true, String(first.error))
    const activeInOkta = () => withStatus(sim.org, 'ACTIVE').length
    const count = () => storage.countEntities('okta_user', { field: 'status', value: 'ACTIVE' })
    assert.equal(await count(), activeInOkta())
    assert.equal(await computeMetric(storage, metric), await count(), 'the sampled count is what the widget computes')
    // The users endpoint at 20 requests a second (the connector takes half): about 10 s a full sync.
    sim.setOptions({ rateLimits: { users: { limit: 20, windowMs: 1000 } } })

    const measure = async () => {
      const truth = activeInOkta()
      const sampler = storage.sample(count, 100)
      const rec = await server.run()
      const samples = await sampler.stop()
      assert.equal(rec.ok, true, String(rec.error))
      let belowMs = 0
      for (let i = 1; i < samples.length; i++) if (samples[i - 1].value < truth) belowMs += samples[i].t - samples[i - 1].t
      const min = Math.min(...samples.map((s) => s.value))
      return { truth, samples, belowMs, min, final: samples.at(-1).value, ms: rec.ms }
    }

    const unchanged = await measure()
    assert.ok(unchanged.samples.length >= 20, `${unchanged.samples.length} samples over ${unchanged.ms} ms`)
    assert.ok(unchanged.min >= unchanged.truth, `"Active users" read as low as ${unchanged.min} of ${unchanged.truth} during the sync, below the truth for ${unchanged.belowMs} ms of ${unchanged.ms}`)
    assert.equal(unchanged.final, unchanged.truth)

    // 150 users deleted in Okta: the count may dip below the new truth only in the final burst.
    for (const u of withStatus(sim.org, 'ACTIVE').slice(0, 150)) sim.deleteUser(u.id)
    const deleted = await measure()
    assert.equal(deleted.final, deleted.truth, 'deleted users are gone after the run')
    assert.ok(deleted.belowMs <= 1000, `"Active users" below the truth (${deleted.truth}) for ${deleted.belowMs} ms (as low as ${deleted.min}) of a ${deleted.ms} ms sync`)
    storage.close()
  })
})
