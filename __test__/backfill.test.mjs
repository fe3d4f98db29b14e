// The System Log backfill as a real rawdash server runs it: its run loop (mode from
// its own records, one timeout per run that aborts and discards the cursor) over a
// SQLite file with rawdash's write costs, several runs in scaled time. The org's
// log is larger than one run can fetch at its rate limit.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { withSim, connectorFor, expectedRecords, captureLogger, MemoryStorage, runSync, withoutBackfill, LOG_READINGS } from './helpers.mjs'
import { ServerRunner } from '../src/js/host.mjs'
import { SqliteStorage } from './support/sqlite-storage.mjs'
import { defineMetric } from './support/rawdash-widgets.mjs'

const DAY = 24 * 3600 * 1000
const okta = { name: 'okta' }
/** A dashboard with a sign-ins-per-day widget over `days`, plus users and groups stats. */
const dashboards = (days) => ({
  identity: {
    widgets: {
      sign_ins: { kind: 'timeseries', title: 'Sign-ins per day', window: `${days}d`, metric: defineMetric({ connector: okta, shape: 'event', name: 'okta_auth_event', fn: 'count', window: `${days}d`, groupBy: { field: 'start_ts', granularity: 'day' } }) },
      active_users: { kind: 'stat', title: 'Active users', metric: defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_user', fn: 'count', filter: [{ field: 'status', op: 'eq', value: 'ACTIVE' }] }) },
      groups: { kind: 'stat', title: 'Groups', metric: defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_group', fn: 'count' }) },
    },
  },
})
const WINDOW = dashboards(30)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-backfill-'))
after(() => fs.rmSync(dir, { recursive: true, force: true }))
let dbCount = 0
const openDb = () => SqliteStorage.open(path.join(dir, `db${dbCount++}.sqlite`))
const logPages = (sim) => sim.requests.filter((r) => r.bucket === 'logs' && r.status === 200)

/** Every expected sign-in uuid stored exactly once, nothing else. */
async function assertExactlyOnce(storage, sim, context) {
  const counts = await storage.eventUuidCounts()
  const want = expectedRecords(sim.org).events.map((e) => e.attributes.uuid)
  const dups = [...counts].filter(([, n]) => n > 1)
  assert.deepEqual(dups, [], `${context}: duplicated events`)
  const missing = want.filter((u) => !counts.has(u))
  assert.equal(missing.length, 0, `${context}: ${missing.length} of ${want.length} events missing`)
  assert.equal(counts.size, want.length, `${context}: unexpected events`)
}

// About 42,000 sign-in events over 29 days (inside the 30-day widget window); the log endpoint allows 10 requests a
// second and the connector uses half: 5 pages a second. A run's budget is 2 s, the
// server's timeout 3.5 s (scaled from 240 s and 300 s).
const ORG = { users: 300, groups: 20, events: 50_000, seed: 11, eventSpanMs: 29 * DAY, rateLimits: { logs: { limit: 10, windowMs: 1000 } } }
const BUDGET_MS = 2000
const PAGES_PER_SECOND = 10 * 0.5

// Every scenario under each reading of Okta's undocumented next links (LOG_READINGS).
for (const logNextSince of LOG_READINGS) {
  test(`a window larger than one run completes across runs, newest day first, every run successful, exactly once (next links: ${logNextSince})`, { timeout: 120_000 }, async () => {
    await withSim({ ...ORG, logNextSince }, async (sim) => {
      const storage = await openDb()
      const logger = captureLogger()
      const { connector } = connectorFor(sim, {}, { logger, syncBudgetMs: BUDGET_MS, chunkBudgetMs: 700 })
      const server = new ServerRunner(connector, storage, { timeoutMs: 3500, dashboards: WINDOW, cadenceMs: 3_600_000 })
      const signIns = expectedRecords(sim.org).events
      const minPages = Math.ceil(signIns.length / 1000)
      const floorRuns = Math.ceil(minPages / ((BUDGET_MS / 1000) * PAGES_PER_SECOND))

      const first = await server.run()
      assert.equal(first.ok, true, String(first.error))
      assert.equal(first.mode, 'full')
      // After the first run the newest day is complete.
      const counts = await storage.eventUuidCounts()
      const newestDay = signIns.filter((e) => e.start_ts >= Date.now() - DAY)
      assert.ok(newestDay.length > 500)
      assert.deepEqual(newestDay.filter((e) => !counts.has(e.attributes.uuid)), [], 'newest day complete after run 1')
      assert.ok(counts.size < signIns.length, 'the window needs more than one run')
      const incomplete = logger.named('backfill incomplete')
      assert.equal(incomplete.length, 1)
      assert.ok(incomplete[0].fields.remaining_percent > 0 && incomplete[0].fields.estimated_runs_left >= 1, JSON.stringify(incomplete[0].fields))

      let runs = 1
      while (logger.named('backfill complete').length === 0 && runs < floorRuns + 3) {
        const r = await server.run()
        assert.equal(r.ok, true, `run ${runs + 1}: ${r.error}`)
        runs++
      }
      assert.ok(runs <= floorRuns + 1, `${runs} runs for a floor of ${floorRuns}`)
      assert.equal(server.runs.filter((r) => r.mode === 'latest').length, runs - 1, 'later runs are latest: the server saw each run succeed')
      await assertExactlyOnce(storage, sim, 'after the backfill')
      const fetched = logPages(sim).length
      assert.ok(fetched <= 1.15 * minPages + 2, `${fetched} log pages for ${minPages} in the window`)

      // An hour later the server runs full again: users and groups are re-read, the
      // log costs at most 3 pages.
      sim.resetLog()
      server.lastBackfillAt -= 3_600_000
      const hourly = await server.run()
      assert.equal(hourly.mode, 'full')
      assert.equal(hourly.ok, true)
      assert.ok(logPages(sim).length <= 3, `${logPages(sim).length} log pages`)
      assert.ok(sim.requests.some((r) => r.bucket === 'users') && sim.requests.some((r) => r.bucket === 'groups'))
      await assertExactlyOnce(storage, sim, 'after the hourly full run')
      storage.close()
    })
  })

  test(`host timeouts that cut runs mid-batch lose nothing: the stored state resumes where the data ends (next links: ${logNextSince})`, { timeout: 120_000 }, async () => {
    await withSim({ ...ORG, events: 30_000, logNextSince }, async (sim) => {
      const storage = await openDb()
      const logger = captureLogger()
      // The budget is longer than the host allows: every run is aborted by the host.
      const { connector } = connectorFor(sim, {}, { logger, syncBudgetMs: 60_000 })
      const server = new ServerRunner(connector, storage, { timeoutMs: 900, dashboards: WINDOW })
      const results = []
      for (let i = 0; i < 3; i++) results.push(await server.run())
      assert.ok(results.every((r) => !r.ok && r.error === 'okta timed out after 900ms'), JSON.stringify(results))
      const stored = (await storage.eventUuidCounts()).size
      assert.ok(stored > 1000, `progress kept across failed runs (${stored})`)
      // With a budget that fits, the next runs complete the window.
      const fitting = connectorFor(sim, {}, { logger, syncBudgetMs: 10_000 }).connector
      const server2 = new ServerRunner(fitting, storage, { timeoutMs: 30_000, dashboards: WINDOW })
      const done = await server2.run()
      assert.equal(done.ok, true, String(done.error))
      await assertExactlyOnce(storage, sim, 'after resuming')
      storage.close()
    })
  })

  test(`late events reach the next run; a since in the future fetches nothing and says so (next links: ${logNextSince})`, { timeout: 60_000 }, async () => {
    await withSim({ users: 50, groups: 5, events: 3000, seed: 3, logNextSince }, async (sim) => {
      const storage = await openDb()
      const logger = captureLogger()
      const { connector } = connectorFor(sim, {}, { logger })
      const server = new ServerRunner(connector, storage, { dashboards: dashboards(7) })
      assert.equal((await server.run()).ok, true)
      // Okta indexes an event two minutes late: published before the last run.
      const [late] = sim.org.addEvents([{ eventType: 'user.session.start', published: Date.now() - 120_000 }])
      sim.resetLog()
      const next = await server.run()
      assert.equal(next.mode, 'latest')
      const counts = await storage.eventUuidCounts()
      assert.equal(counts.get(late.uuid), 1, 'the late event is stored once')
      assert.ok(logPages(sim).length <= 3)
      await assertExactlyOnce(storage, sim, 'after the late event')

      sim.resetLog()
      const future = new Date(Date.now() + DAY).toISOString()
      const res = await runSync(connector, storage, { mode: 'full', since: future })
      assert.equal(res.done, true)
      assert.equal(logPages(sim).length, 0)
      assert.equal(logger.named('since in the future').length, 1)
      storage.close()
    })
  })

  test(`a corrupt, foreign, future-version or clock-skewed state record is ignored or trimmed with a warning, storage stays exact (next links: ${logNextSince})`, { timeout: 60_000 }, async () => {
    await withSim({ users: 30, groups: 3, events: 2500, seed: 5, logNextSince }, async (sim) => {
      const base = { type: 'okta_sync_state', id: 'auth_events', updated_at: Date.now() }
      const host = new URL(sim.url).host
      const now = Date.now()
      const cases = [
        ['unreadable', { ...base, attributes: 'garbage' }, 'sync state ignored'],
        ['another org host', { ...base, attributes: { version: 1, host: 'evil.okta.com', filter: 'x', covered: [[now - 5 * DAY, now]] } }, 'sync state ignored'],
        ['a future version', { ...base, attributes: { version: 9, host, covered: [[now - 5 * DAY, now]] } }, 'sync state ignored'],
        ['reaching past the clock', null, 'clock skew'],
      ]
      for (const [name, record, warning] of cases) {
        const storage = await openDb()
        const logger = captureLogger()
        const { connector } = connectorFor(sim, {}, { logger })
        if (record) await storage.entity(record)
        else {
          // A first run writes a valid record; then the clock "goes back" by a day.
          await runSync(connector, storage, { mode: 'full' })
          const state = await storage.getEntity('okta_sync_state', 'auth_events')
          state.attributes.covered = state.attributes.covered.map(([a, b]) => [a, b + DAY])
          await storage.entity(state)
        }
        const run = await runSync(connector, storage, { mode: 'full' })
        assert.equal(run.done, true, name)
        assert.equal(logger.named(warning).length, 1, `${name}: ${JSON.stringify(logger.events.filter((e) => e.level === 'warn'))}`)
        await assertExactlyOnce(storage, sim, name)
        const state = await storage.getEntity('okta_sync_state', 'auth_events')
        assert.equal(state.attributes.host, host, `${name}: the record is rewritten for this org`)
        storage.close()
      }
    })
  })

  test(`an abort during the state write, and a handle without getEntity, keep storage exact (next links: ${logNextSince})`, { timeout: 60_000 }, async () => {
    await withSim({ users: 30, groups: 3, events: 4000, seed: 8, logNextSince }, async (sim) => {
      const storage = await openDb()
      const { connector } = connectorFor(sim, {}, { logger: captureLogger() })
      // Abort the first call right when it writes the state record.
      const controller = new AbortController()
      const inner = storage.guarded(controller.signal)
      const handle = {
        ...inner,
        entity: async (e) => {
          if (e.type === 'okta_sync_state') controller.abort()
          return inner.entity(e)
        },
      }
      const first = await connector.sync({ mode: 'full' }, handle, controller.signal)
      assert.equal(first.done, false)
      const run = await runSync(connector, storage, { mode: 'full' })
      assert.equal(run.done, true)
      await assertExactlyOnce(storage, sim, 'after an abort during the state write')
      storage.close()

      const logger = captureLogger()
      const legacy = connectorFor(sim, {}, { logger }).connector
      const memory = new MemoryStorage()
      await runSync(legacy, withoutBackfill(memory), { mode: 'full' })
      await runSync(legacy, withoutBackfill(memory), { mode: 'full' })
      assert.equal(logger.named('backfill unavailable').length, 1, 'warned once')
      assert.equal(memory.eventList.length, expectedRecords(sim.org).events.length)
    })
  })
}
