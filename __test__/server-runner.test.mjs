// The host harness itself: ServerRunner against scripted connectors (what rawdash's
// server derives, plans, calls and records) and the SQLite storage's adapter semantics.
import { test, describe, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ServerRunner } from '../src/js/host.mjs'
import loop from '../src/js/server-loop.cjs'
import { SqliteStorage } from './support/sqlite-storage.mjs'
import { defineMetric } from './support/rawdash-widgets.mjs'

const { fetchSpecsForConnector, planSync, connectorBackfill } = loop
const DAY = 86_400_000
const HOUR = 3_600_000
const okta = { name: 'okta' }
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-runner-'))
after(() => fs.rmSync(dir, { recursive: true, force: true }))
let dbs = 0
const openDb = () => SqliteStorage.open(path.join(dir, `db${dbs++}.sqlite`))

const active = defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_user', fn: 'count', filter: [{ field: 'status', op: 'eq', value: 'ACTIVE' }] })
const signIns = defineMetric({ connector: okta, shape: 'event', name: 'okta_auth_event', fn: 'count', groupBy: { field: 'start_ts', granularity: 'day' } })
const failures = defineMetric({ connector: okta, shape: 'event', name: 'okta_auth_event', fn: 'count', filter: [{ field: 'result', op: 'eq', value: 'FAILURE' }] })

/** A connector whose sync() plays `script(call, options, signal)`; every call's options are kept. */
function scripted(script = () => ({ done: true })) {
  const calls = []
  return {
    calls,
    async sync(options, storage, signal) {
      calls.push({ ...options, signal })
      return script(calls.length, options, signal, storage)
    },
  }
}

describe('what the server derives from the dashboards', () => {
  test('one fetch spec per distinct filter; a spec without a window makes its group unbounded; status widgets reference without a resource', () => {
    const dashboards = {
      identity: {
        widgets: {
          a: { kind: 'stat', title: 'Active', metric: active },
          a30: { kind: 'stat', title: 'Active (30d)', window: '30d', metric: active },
          users90: { kind: 'stat', title: 'Users 90d', metric: { ...active, filter: undefined, window: '90d' } },
          s: { kind: 'timeseries', title: 'Sign-ins', window: '30d', metric: signIns },
          s7: { kind: 'timeseries', title: 'Sign-ins 7d', window: '7d', metric: { ...signIns, window: '30d' } },
          f: { kind: 'distribution', title: 'Failures', window: '2w', metric: failures },
          f2: { kind: 'timeseries', title: 'Failures', window: 'forever', metric: { ...failures, filter: [{ or: [{ field: 'result', op: 'eq', value: 'FAILURE' }] }] } },
          health: { kind: 'status', title: 'Okta', source: ['okta', 'github'] },
        },
      },
    }
    assert.deepEqual(fetchSpecsForConnector(dashboards, 'okta'), {
      // The same filter with and without a window: unbounded (everything).
      okta_user: [{ filter: active.filter }, { requiredWindowMs: 90 * DAY }],
      // Other kinds use the widget's window only; a stat uses its own, else its metric's.
      okta_auth_event: [{ requiredWindowMs: 30 * DAY }, { filter: failures.filter, requiredWindowMs: 14 * DAY }, { filter: [{ or: [{ field: 'result', op: 'eq', value: 'FAILURE' }] }] }],
    })
    assert.deepEqual(fetchSpecsForConnector(dashboards, 'github'), {}, 'referenced by a status widget only')
    assert.equal(fetchSpecsForConnector(dashboards, 'slack'), undefined, 'not referenced at all')
    assert.deepEqual([...connectorBackfill({ dashboards }).keys()].sort(), ['github', 'okta'], 'the whole config is accepted too')
    const runner = new ServerRunner(scripted(), null, { dashboards })
    assert.deepEqual([...runner.resources].sort(), ['okta_auth_event', 'okta_user'])
    assert.equal(runner.widestWindowMs(), 90 * DAY, "the widest window over every resource: a users widget widens the log's since")
  })

  test('released: every run full with since = now - widest window - 1 day; no window: no since', async () => {
    let t = Date.parse('2025-01-01T00:00:00Z')
    const c = scripted()
    const r = new ServerRunner(c, null, { policy: 'released', now: () => t, dashboards: { d: { widgets: { s: { kind: 'timeseries', title: 'S', window: '30d', metric: signIns } } } } })
    for (let i = 0; i < 3; i++, t += HOUR) {
      const rec = await r.run()
      assert.equal(rec.mode, 'full')
      assert.equal(rec.since, new Date(t - 31 * DAY).toISOString())
    }
    assert.ok(c.calls.every((o) => o.mode === 'full' && o.resources instanceof Set && o.requiredWindowMs === undefined && o.fetchSpecs.okta_auth_event[0].requiredWindowMs === 30 * DAY))
    const none = new ServerRunner(scripted(), null, { policy: 'released', dashboards: { d: { widgets: { a: { kind: 'stat', title: 'A', metric: active } } } } })
    const rec = await none.run()
    assert.equal(rec.mode, 'full')
    assert.equal(rec.since, undefined)
  })

  test('next (planSync): full first, latest since the last END, full again when the window is due hourly, stamps only on success', async () => {
    let t = Date.parse('2025-01-01T00:00:00Z')
    let fail = false
    // Each run takes 10 simulated minutes.
    const c = scripted(() => {
      t += 10 * 60_000
      if (fail) throw Object.assign(new Error('boom'), { kind: 'upstream_bug', code: 'OKTA_SERVER_ERROR' })
      return { done: true }
    })
    const r = new ServerRunner(c, null, { now: () => t, dashboards: { d: { widgets: { s: { kind: 'timeseries', title: 'S', window: '30d', metric: signIns }, a: { kind: 'stat', title: 'A', metric: active } } } } })
    const modes = []
    for (let i = 0; i < 5; i++) {
      const start = t
      const rec = await r.run()
      modes.push(rec.mode)
      assert.equal(rec.startedAt, start)
      assert.equal(rec.endedAt, start + 10 * 60_000)
      if (rec.mode === 'latest') assert.equal(rec.since, new Date(r.runs[i - 1].endedAt).toISOString(), 'since = the previous success END')
      else assert.equal(rec.since, new Date(start - 31 * DAY).toISOString())
      t += 20 * 60_000
    }
    // 00:00 full (ends 00:10), 00:30 latest, 01:00 latest (50 min after), 01:30 full (80 min), 02:00 latest.
    assert.deepEqual(modes, ['full', 'latest', 'latest', 'full', 'latest'])
    assert.equal(r.lastBackfillAt, r.runs[3].endedAt)
    fail = true
    const failed = await r.run()
    assert.equal(failed.ok, false)
    assert.equal(failed.error, 'boom')
    assert.equal(failed.thrown.kind, 'upstream_bug', 'the error object is kept')
    assert.equal(r.lastSyncAt, r.runs[4].endedAt, 'a failed run stamps nothing')
  })

  test('next without a windowed widget: latest forever after the first run; a storage without connector state: full always', async () => {
    const dashboards = { d: { widgets: { a: { kind: 'stat', title: 'A', metric: active } } } }
    const r = new ServerRunner(scripted(), null, { dashboards })
    const modes = []
    for (let i = 0; i < 3; i++) modes.push((await r.run()).mode)
    assert.deepEqual(modes, ['full', 'latest', 'latest'])
    const stateless = new ServerRunner(scripted(), null, { connectorState: false, dashboards: { d: { widgets: { s: { kind: 'timeseries', title: 'S', window: '7d', metric: signIns } } } } })
    const m2 = []
    for (let i = 0; i < 3; i++) m2.push((await stateless.run()).mode)
    assert.deepEqual(m2, ['full', 'full', 'full'])
  })

  test('a connector no widget references is not synced; one referenced only by a status widget gets an empty Set', async () => {
    const c = scripted()
    const skipped = await new ServerRunner(c, null, { dashboards: { d: { widgets: { a: { kind: 'stat', title: 'A', metric: { ...active, connectorId: 'github' } } } } } }).run()
    assert.equal(skipped.skipped, true)
    assert.equal(skipped.ok, false)
    assert.equal(c.calls.length, 0)
    const status = new ServerRunner(c, null, { dashboards: { d: { widgets: { h: { kind: 'status', title: 'Okta', source: 'okta' } } } } })
    const rec = await status.run()
    assert.equal(rec.ok, true)
    assert.equal(c.calls[0].resources.size, 0)
    assert.deepEqual(c.calls[0].fetchSpecs, {})
  })
})

describe('the run loop', () => {
  const dashboards = { d: { widgets: { a: { kind: 'stat', title: 'A', metric: active } } } }

  test('passes the cursor back, ignores transientError (calls again at once), at most maxCalls', async () => {
    const c = scripted((n) => (n < 5 ? { done: false, cursor: { n }, transientError: n % 2 ? new Error('flaky') : undefined } : { done: true }))
    const rec = await new ServerRunner(c, null, { dashboards }).run()
    assert.equal(rec.ok, true)
    assert.equal(rec.calls, 5)
    assert.equal(rec.transientErrors, 2)
    assert.deepEqual(c.calls.map((o) => o.cursor), [undefined, { n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }])
    const forever = scripted(() => ({ done: false, cursor: 'x', transientError: new Error('down') }))
    const capped = await new ServerRunner(forever, null, { dashboards, maxCalls: 50 }).run()
    assert.equal(capped.ok, false)
    assert.equal(capped.calls, 50)
    assert.equal(capped.error, 'okta exceeded 50 sync chunks without completing')
    assert.ok(forever.calls.at(-1).signal.aborted)
  })

  test('the whole run is aborted after timeoutMs: the signal fires and the run fails as "<name> timed out after <ms>ms"', async () => {
    const c = scripted((n, _o, signal) => new Promise((resolve) => {
      const t = setTimeout(() => resolve({ done: false, cursor: n }), 40)
      signal.addEventListener('abort', () => { clearTimeout(t); resolve({ done: false, cursor: n }) }, { once: true })
    }))
    const t0 = Date.now()
    const rec = await new ServerRunner(c, null, { dashboards, timeoutMs: 300, connectorName: 'okta' }).run()
    assert.equal(rec.ok, false)
    assert.equal(rec.error, 'okta timed out after 300ms')
    assert.equal(rec.thrown.name, 'AbortError')
    assert.ok(rec.endedAt - rec.startedAt >= 290 && Date.now() - t0 < 2000)
    assert.ok(c.calls.at(-1).signal.aborted)
    assert.ok(rec.calls >= 5)
  })
})

describe('SQLite storage (rawdash adapter semantics)', () => {
  test('singular writes upsert / append; plural writes replace their scope; a batch over 6,553 rows fails', async () => {
    const db = await openDb()
    const user = (id, status = 'ACTIVE') => ({ type: 'okta_user', id, attributes: { status }, updated_at: 1 })
    await db.entity(user('a'))
    await db.entity(user('a', 'SUSPENDED'))
    await db.entities([user('b'), user('c')], { types: [] })
    assert.equal(await db.countEntities('okta_user'), 3, 'an empty scope clears nothing')
    assert.equal((await db.getEntity('okta_user', 'a')).attributes.status, 'SUSPENDED')
    assert.equal(await db.countEntities('okta_user', { field: 'status', value: 'ACTIVE' }), 2)
    await db.entities([user('d')])
    assert.deepEqual((await db.queryEntities({ type: 'okta_user' })).map((e) => e.id), ['d'], 'without a scope: the types in the list')
    await db.entities([], { types: ['okta_user'] })
    assert.equal(await db.countEntities('okta_user'), 0)
    const many = Array.from({ length: 6554 }, (_, i) => user(`u${i}`))
    await assert.rejects(db.entities(many, { types: [] }), /too many SQL variables/)
    await db.entities(many.slice(0, 5000), { types: [] })
    assert.equal(await db.countEntities('okta_user'), 5000)

    const ev = (t) => ({ name: 'okta_auth_event', start_ts: t, end_ts: null, attributes: { uuid: `e${t}` } })
    await db.event(ev(5))
    await db.events([ev(1), ev(2), ev(3)], { names: [] })
    assert.deepEqual((await db.queryEvents({ name: 'okta_auth_event', start: 2, end: 3 })).map((e) => e.start_ts), [2, 3])
    await db.events([ev(9)], { names: ['okta_auth_event'] })
    assert.deepEqual((await db.queryEvents({})).map((e) => e.start_ts), [9])
    db.close()
  })

  test('metrics replace a window; edges replace kinds; the guarded handle drops writes after its signal aborts', async () => {
    const db = await openDb()
    const m = (ts, value) => ({ name: 'dau', ts, value, attributes: {} })
    await db.metrics([m(1, 10), m(2, 20), m(3, 30)])
    await db.metrics([m(2, 21)], { names: ['dau'], replaceWindow: { start: 2, end: 2 } })
    assert.deepEqual((await db.queryMetrics({ name: 'dau' })).map((x) => [x.ts, x.value]), [[1, 10], [2, 21], [3, 30]])
    await db.metric(m(4, 40))
    assert.deepEqual((await db.queryMetrics({ name: 'dau', start: 3 })).map((x) => x.value), [30, 40])
    const e = (to) => ({ from_type: 'okta_user', from_id: 'u', kind: 'member_of', to_type: 'okta_group', to_id: to, attributes: {}, updated_at: 1 })
    await db.edge(e('g1'))
    await db.edge(e('g1'))
    await db.edges([e('g2'), e('g3')], { kinds: ['member_of'] })
    assert.deepEqual((await db.traverse({ kind: 'member_of', fromId: 'u' })).map((x) => x.to_id).sort(), ['g2', 'g3'])

    const controller = new AbortController()
    const handle = db.guarded(controller.signal)
    await handle.entity({ type: 'okta_group', id: 'g', attributes: {}, updated_at: 1 })
    controller.abort()
    await handle.entity({ type: 'okta_group', id: 'h', attributes: {}, updated_at: 1 })
    await handle.entities([], { types: ['okta_group'] })
    assert.equal(await db.countEntities('okta_group'), 1)
    assert.equal(db.counts.dropped, 2)
    assert.equal((await handle.getEntity('okta_group', 'g')).id, 'g', 'reads still work')

    // A value sampled while writes happen.
    const sampler = db.sample(() => db.countEntities('okta_group'), 10)
    for (let i = 0; i < 20; i++) await db.entity({ type: 'okta_group', id: `x${i}`, attributes: {}, updated_at: 1 })
    const samples = await sampler.stop()
    assert.ok(samples.length >= 2)
    assert.equal(samples.at(-1).value, 21)
    assert.ok(samples.every((s, i) => i === 0 || s.value >= samples[i - 1].value))
    db.close()
  })
})
