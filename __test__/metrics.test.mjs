// Daily sign-in metrics and the MFA snapshot as rawdash metric samples, through the
// real host harness (ServerRunner, both policies) over SQLite with rawdash's
// semantics, against the simulator: every complete day equals a direct computation
// from the org (support/metrics-truth.mjs) after backfills that span runs, late
// events, aborts and reruns; one ranged read per changed day; the current day
// partial; storage without metrics warned about once; the README's headline widgets
// computed over storage equal the org.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { withSim, connectorFor, captureLogger, runSync, expectedRecords, LOG_READINGS } from './helpers.mjs'
import { ServerRunner } from '../src/js/host.mjs'
import { resources } from '../src/js/index.mjs'
import { SqliteStorage } from './support/sqlite-storage.mjs'
import { defineMetric, defineDashboard, validateMetrics, computeMetric, computeOver, widgetMetrics } from './support/rawdash-widgets.mjs'
import { DAY, dayStart, DAY_METRICS, expectedDaySamples, expectedMfaSamples, expectedUserMfa, completeDays, sampleKey } from './support/metrics-truth.mjs'

const okta = { name: 'okta' }
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-metrics-'))
after(() => fs.rmSync(dir, { recursive: true, force: true }))
let dbCount = 0
const openDb = () => SqliteStorage.open(path.join(dir, `db${dbCount++}.sqlite`))

/** A dashboard over the daily metrics (their window names the System Log window). */
const metricDashboard = (days) => ({
  identity: {
    widgets: {
      dau: { kind: 'timeseries', title: 'DAU', window: `${days}d`, metric: defineMetric({ connector: okta, shape: 'metric', name: 'okta_daily_active_users', fn: 'sum', window: `${days}d`, filter: [{ field: 'dimension', op: 'eq', value: 'total' }], groupBy: { field: 'ts', granularity: 'day' } }) },
    },
  },
})

/**
 * Counts the ranged day reads of the metrics (queryEvents over exactly one UTC day)
 * through every handle the host derives from `storage`.
 */
function counted(storage) {
  const reads = []
  const wrap = (handle) => {
    const out = { ...handle }
    for (const m of ['entity', 'event', 'entities', 'events', 'metric', 'metrics', 'edge', 'edges', 'distribution', 'distributions', 'getEntity', 'queryEntities', 'queryMetrics', 'traverse', 'queryDistributions']) {
      if (typeof handle[m] === 'function') out[m] = (a, b) => handle[m](a, b)
    }
    out.queryEvents = (q) => {
      if (q?.start !== undefined && q?.end === q.start + DAY - 1 && q.start % DAY === 0) reads.push(q.start)
      return handle.queryEvents(q)
    }
    return out
  }
  const handle = wrap(storage)
  handle.guarded = (signal) => wrap(storage.guarded(signal))
  return { handle, reads }
}

const backfillState = (storage) => storage.getEntity('okta_sync_state', 'auth_events')

/**
 * The stored day samples equal the org's for every day they cover, none twice,
 * nothing final that is not a complete day, today there and partial; with `all`,
 * every complete day is there (a run gives the metrics a share of its budget, so a
 * backfill's days may take a few more runs).
 */
async function assertDayMetrics(storage, sim, where, { all = true } = {}) {
  const samples = (await storage.queryMetrics()).filter((s) => DAY_METRICS.includes(s.name))
  const keys = samples.map(sampleKey)
  assert.equal(new Set(keys).size, keys.length, `${where}: a sample is stored twice`)
  const covered = (await backfillState(storage)).attributes.covered
  const now = Date.now()
  const storedDays = new Set(samples.map((s) => s.ts))
  const want = expectedDaySamples(sim.org, covered, now).filter((s) => all || storedDays.has(s.ts))
  const byKey = (list) => new Map(list.map((s) => [sampleKey(s), s.value]))
  const got = byKey(samples)
  const expected = byKey(want)
  const wrong = [...expected].filter(([k, v]) => got.get(k) !== v).slice(0, 5)
  assert.deepEqual(wrong.map(([k, v]) => [k, v, got.get(k)]), [], `${where}: samples differ from the org (key, want, got)`)
  // Nothing shown as final that is not a complete day.
  const complete = new Set(completeDays(covered, now))
  const finalDays = new Set(samples.filter((s) => s.attributes.partial === false).map((s) => s.ts))
  assert.deepEqual([...finalDays].filter((d) => !complete.has(d)), [], `${where}: a final sample for an incomplete day`)
  assert.equal(got.size, expected.size, `${where}: ${got.size} samples stored, ${expected.size} expected`)
  const today = samples.filter((s) => s.ts === dayStart(now))
  assert.ok(today.length > 0 && today.every((s) => s.attributes.partial === true), `${where}: today is there and partial`)
  return { complete, samples, finalDays }
}

// About 21,000 sign-in events over 12 days; 5 log pages a second, a run's budget
// 1.5 s: the window takes several runs.
const ORG = { users: 250, groups: 10, events: 25_000, seed: 21, eventSpanMs: 12 * DAY, rateLimits: { logs: { limit: 10, windowMs: 1000 } } }

for (const policy of ['next', 'released']) {
  for (const logNextSince of LOG_READINGS) {
    test(`daily metrics equal the org for every complete day across a backfill spanning runs with an aborted run; one ranged read per changed day (${policy} server, next links: ${logNextSince})`, { timeout: 120_000 }, async () => {
      await withSim({ ...ORG, logNextSince }, async (sim) => {
        const storage = await openDb()
        const { handle, reads } = counted(storage)
        const logger = captureLogger()
        const { connector } = connectorFor(sim, {}, { logger, syncBudgetMs: 1500, chunkBudgetMs: 600 })
        const server = new ServerRunner(connector, handle, { timeoutMs: 3000, dashboards: metricDashboard(14), policy, cadenceMs: 3_600_000 })
        // Run 1: the newest days are complete and computed, today is partial.
        assert.equal((await server.run()).ok, true)
        // (The metrics get a twentieth of the run budget: today first, complete days as time allows.)
        const first = await assertDayMetrics(storage, sim, 'run 1', { all: false })
        assert.ok(first.complete.size >= 1, 'some day is complete after run 1')
        assert.ok(logger.named('backfill incomplete').length >= 1, 'the window needs more runs')
        // A run the host aborts mid-way, then runs until the backfill completes.
        const aborting = new ServerRunner(connectorFor(sim, {}, { logger, syncBudgetMs: 60_000 }).connector, handle, { timeoutMs: 700, dashboards: metricDashboard(14), policy })
        assert.equal((await aborting.run()).ok, false)
        let runs = 0
        while (logger.named('backfill complete').length === 0 && runs < 12) {
          const before = reads.length
          const r = await server.run()
          assert.equal(r.ok, true, String(r.error))
          runs++
          const written = logger.named('metrics written').at(-1)
          // One ranged read per declared day, each day at most once a run.
          const thisRun = reads.slice(before)
          assert.equal(new Set(thisRun).size, thisRun.length, `run ${runs + 2}: a day read twice`)
          assert.ok(written && thisRun.length <= written.fields.days, `run ${runs + 2}: ${thisRun.length} day reads for ${written?.fields.days} days`)
          await assertDayMetrics(storage, sim, `run ${runs + 2}`, { all: false })
        }
        assert.equal(logger.named('backfill complete').length, 1, 'the backfill completes')
        // Days the runs' metrics share did not reach yet follow in the next runs.
        for (let more = 0; (logger.named('metrics written').at(-1)?.fields.remaining ?? 0) > 0 && more < 12; more++) {
          assert.equal((await server.run()).ok, true)
          await assertDayMetrics(storage, sim, `catch-up run ${more + 1}`, { all: false })
        }
        const { complete } = await assertDayMetrics(storage, sim, 'backfill complete')
        assert.ok(complete.size >= 12, `every day of the window is complete (${complete.size})`)
        // Every complete day was read about once overall (the aborted run may repeat some).
        const overall = reads.filter((d) => d !== dayStart(Date.now()))
        assert.ok(overall.length <= complete.size + 3, `${overall.length} reads of ${complete.size} complete days`)

        // Steady state: a run reads the current day (and yesterday only if its events changed).
        const before = reads.length
        server.lastBackfillAt = null
        assert.equal((await server.run()).ok, true)
        const steady = reads.slice(before)
        const today = dayStart(Date.now())
        // Yesterday only right after midnight, when the edge's 5-minute look-back reaches it.
        const nearMidnight = Date.now() - today < 15 * 60_000
        assert.ok(steady[0] === today && steady.every((d) => d === today || (nearMidnight && d === today - DAY)), `an incremental run touches only the current day: ${steady.map((d) => new Date(d).toISOString())}`)
        await assertDayMetrics(storage, sim, 'steady run')
        storage.close()
      })
    })
  }
}

test('late events: a computed day that gets late events is recomputed, also when the run is aborted after marking it; a rerun counts nothing twice', { timeout: 60_000 }, async () => {
  await withSim({ users: 60, groups: 4, events: 4000, seed: 4, eventSpanMs: 5 * DAY }, async (sim) => {
    const storage = await openDb()
    const logger = captureLogger()
    const { connector } = connectorFor(sim, {}, { logger })
    const server = new ServerRunner(connector, storage, { dashboards: metricDashboard(7) })
    assert.equal((await server.run()).ok, true)
    await assertDayMetrics(storage, sim, 'first run')
    // As right after midnight: the covered top is a minute into today, and Okta
    // indexes sign-ins of yesterday's last minutes late (one anonymous failure).
    const today = dayStart(Date.now())
    const state = await backfillState(storage)
    state.attributes.covered = state.attributes.covered.map(([a, b]) => [a, Math.min(b, today + 60_000)]).filter(([a, b]) => a < b)
    await storage.entity(state)
    const actor = [...sim.org.users()].find((u) => u.status === 'ACTIVE').id
    sim.org.addEvents([
      { eventType: 'user.session.start', published: today - 120_000, outcome: { result: 'SUCCESS' }, actor: { id: actor, type: 'User' } },
      { eventType: 'user.session.start', published: today - 60_000, outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' }, actor: null },
    ])
    // The first attempt is aborted right after it marks yesterday as changed.
    const controller = new AbortController()
    const inner = storage.guarded(controller.signal)
    const handle = {
      ...inner,
      entity: async (e) => {
        const out = await inner.entity(e)
        if (e.type === 'okta_sync_state' && e.id === 'metrics' && e.attributes.pending?.includes(today - DAY)) controller.abort()
        return out
      },
    }
    const aborted = await connector.sync({ mode: 'latest', since: new Date(Date.now() - 60_000).toISOString() }, handle, controller.signal)
    assert.equal(aborted.done, false)
    assert.deepEqual((await storage.getEntity('okta_sync_state', 'metrics')).attributes.pending, [today - DAY], 'the mark is stored')
    // The rerun stores the late events and recomputes yesterday.
    assert.equal((await server.run()).ok, true)
    await assertDayMetrics(storage, sim, 'after the late events')
    const yesterday = (await storage.queryMetrics({ name: 'okta_sign_in_failures', start: today - DAY, end: today - DAY })).find((s) => s.attributes.dimension === 'total')
    assert.equal(yesterday.attributes.partial, false)
    // A further rerun changes nothing and duplicates nothing.
    assert.equal((await server.run()).ok, true)
    await assertDayMetrics(storage, sim, 'a further rerun')
    assert.deepEqual((await storage.getEntity('okta_sync_state', 'metrics')).attributes.pending, [])
    storage.close()
  })
})

test('a day without sign-ins gets 0 samples, not a gap', { timeout: 60_000 }, async () => {
  // Events over the last 2 days only, a 5-day window: the older complete days are empty.
  await withSim({ users: 30, groups: 2, events: 800, seed: 9, eventSpanMs: 2 * DAY }, async (sim) => {
    const storage = await openDb()
    const { connector } = connectorFor(sim, {}, { logger: captureLogger() })
    const server = new ServerRunner(connector, storage, { dashboards: metricDashboard(5) })
    assert.equal((await server.run()).ok, true)
    const { complete } = await assertDayMetrics(storage, sim, 'sparse org')
    const empty = dayStart(Date.now()) - 4 * DAY
    assert.ok(complete.has(empty))
    const totals = (await storage.queryMetrics({ start: empty, end: empty })).filter((s) => s.attributes.dimension === 'total')
    assert.deepEqual(totals.map((s) => [s.name, s.value]).sort(), DAY_METRICS.map((n) => [n, 0]).sort())
    storage.close()
  })
})

test('storage without metric support: the sync goes on, with one warning', { timeout: 60_000 }, async () => {
  await withSim({ users: 30, groups: 2, events: 600, seed: 2 }, async (sim) => {
    const storage = await openDb()
    // A handle (and the handles a host derives from it) without metric writers.
    const strip = (h) => {
      const { metrics: _m, metric: _one, ...rest } = h
      return rest
    }
    const handle = { ...strip(storage.guarded(null)), guarded: (signal) => strip(storage.guarded(signal)) }
    const logger = captureLogger()
    const { connector } = connectorFor(sim, {}, { logger })
    assert.equal((await runSync(connector, handle, { mode: 'full' })).done, true)
    assert.equal((await runSync(connector, handle, { mode: 'latest', since: new Date(Date.now() - 60_000).toISOString() })).done, true)
    assert.equal(logger.named('metrics unavailable').length, 1)
    assert.equal((await storage.queryMetrics()).length, 0)
    assert.ok((await storage.eventUuidCounts()).size > 0)
    storage.close()
  })
})

// ---- MFA: the snapshot and the users' attributes.

async function assertMfa(storage, sim, where) {
  const want = expectedUserMfa(sim.org)
  const users = await storage.queryEntities({ type: 'okta_user' })
  assert.ok(users.length > 0)
  const wrong = users.filter((u) => JSON.stringify([u.attributes.mfaEnrolled, u.attributes.activeFactorTypes]) !== JSON.stringify([want.get(u.id)?.mfaEnrolled, want.get(u.id)?.activeFactorTypes]))
  assert.deepEqual(wrong.slice(0, 3).map((u) => [u.id, u.attributes.mfaEnrolled, u.attributes.activeFactorTypes, want.get(u.id)]), [], `${where}: users' MFA attributes`)
  const now = Date.now()
  const stored = (await storage.queryMetrics({ start: dayStart(now) })).filter((s) => s.name.startsWith('okta_mfa_'))
  assert.deepEqual(stored.map((s) => [sampleKey(s), s.value]).sort(), expectedMfaSamples(sim.org, now).map((s) => [sampleKey(s), s.value]).sort(), `${where}: the MFA snapshot`)
}

test('MFA: the snapshot and each user\'s mfaEnrolled/activeFactorTypes equal the org; a later users listing does not wipe them; a factor change reaches them', { timeout: 60_000 }, async () => {
  await withSim({ users: 80, groups: 4, events: 1000, seed: 6 }, async (sim) => {
    const storage = await openDb()
    const { connector } = connectorFor(sim, { resources: ['users', 'auth_events', 'factors'] }, { logger: captureLogger() })
    const dashboards = metricDashboard(7)
    dashboards.identity.widgets.mfa = { kind: 'stat', title: 'MFA', metric: defineMetric({ connector: okta, shape: 'metric', name: 'okta_mfa_coverage', fn: 'latest' }) }
    dashboards.identity.widgets.users = { kind: 'stat', title: 'Users', metric: defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_user', fn: 'count' }) }
    const server = new ServerRunner(connector, storage, { dashboards, cadenceMs: 3_600_000 })
    assert.equal((await server.run()).ok, true)
    await assertMfa(storage, sim, 'first run')
    // A full run lists every user again: their MFA attributes stay.
    server.lastBackfillAt = -Infinity
    const full = await server.run()
    assert.equal(full.mode, 'full')
    await assertMfa(storage, sim, 'after a full users listing')
    // A sync of the users alone (a tick whose widgets name only okta_user): no
    // factors phase re-applies them, the listing must keep them itself.
    const usersOnly = await runSync(connector, storage, { mode: 'full', resources: ['okta_user'] })
    assert.equal(usersOnly.done, true)
    await assertMfa(storage, sim, 'after a users-only full listing')
    // A user without factors enrolls one; an enrolled one is reset.
    const users = [...sim.org.users()].filter((u) => u.status === 'ACTIVE')
    const bare = users.find((u) => sim.org.factors(u.id).every((f) => f.status !== 'ACTIVE'))
    const enrolled = users.find((u) => sim.org.factors(u.id).some((f) => f.status === 'ACTIVE'))
    if (bare) sim.org.enrollFactor(bare.id, { factorType: 'webauthn', provider: 'FIDO' })
    sim.org.resetFactors(enrolled.id)
    assert.equal((await server.run()).ok, true)
    await assertMfa(storage, sim, 'after factor changes')
    assert.equal((await storage.getEntity('okta_user', enrolled.id)).attributes.mfaEnrolled, false)
    storage.close()
  })
})

// ---- The README's headline widgets.

/** The README block holding the metric widgets, evaluated as widgets.test.mjs does. */
function readmeHeadlineWidgets() {
  const text = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const block = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.includes("name: 'okta_daily_active_users'"))
  assert.ok(block, 'the README shows the metric widgets')
  const lines = block.split('\n')
  const first = lines.findIndex((l) => /^\s*\w+:\s*\{/.test(l))
  const code = `const okta = { name: 'okta' };\n${lines.slice(0, first).join('\n')}\nreturn { ${lines.slice(first).join('\n')} }`
  // A fragment is plain JavaScript (as widgets.test.mjs reads it).
  return new Function('defineMetric', 'defineDashboard', code)(defineMetric, defineDashboard)
}

for (const policy of ['next', 'released']) {
  test(`the README's headline widgets (DAU, failure rate, MFA coverage) are valid rawdash widgets and compute over SQLite what the org holds (${policy} server)`, { timeout: 60_000 }, async () => {
    const widgets = readmeHeadlineWidgets()
    for (const id of ['daily_active_users', 'sign_in_failure_rate', 'mfa_coverage']) assert.ok(widgets[id], `README widget ${id}`)
    const dashboard = defineDashboard({ widgets })
    assert.deepEqual(validateMetrics({ identity: dashboard }, resources), [])
    await withSim({ users: 70, groups: 4, events: 3000, seed: 12, eventSpanMs: 10 * DAY }, async (sim) => {
      const storage = await openDb()
      const { connector } = connectorFor(sim, { resources: ['users', 'groups', 'auth_events', 'factors'] }, { logger: captureLogger() })
      const server = new ServerRunner(connector, storage, { dashboards: { identity: dashboard }, policy })
      assert.equal((await server.run()).ok, true)
      const now = Date.now()
      const covered = (await backfillState(storage)).attributes.covered
      const mfa = expectedUserMfa(sim.org)
      const users = expectedRecords(sim.org).users.map((u) => ({ ...u, attributes: { ...u.attributes, ...mfa.get(u.id) } }))
      const truth = { entities: users, metrics: [...expectedDaySamples(sim.org, covered, now), ...expectedMfaSamples(sim.org, now)] }
      for (const [id, w] of Object.entries(dashboard.widgets)) {
        for (const metric of widgetMetrics(w)) {
          const shown = await computeMetric(storage, metric, { now })
          const want = await computeOver(truth, metric, { now })
          assert.deepEqual(shown, want, `README widget ${id}`)
          if (w.kind === 'timeseries') assert.ok(shown.length >= 9, `${id}: ${shown.length} days`)
        }
      }
      storage.close()
    })
  })
}
