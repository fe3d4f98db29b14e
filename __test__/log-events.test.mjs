// okta_log_event (issue 18): the System Log beyond sign-ins, read by the same backfill
// as the sign-in events in the same requests, run the way a deployment runs it
// (rawdash's server loop over rawdash's SQLite storage) against the simulator's org
// with every family on (`logFamilies`), under each reading of Okta's undocumented
// next links (LOG_READINGS). The truth is the simulator's log mapped by an
// independent reference of the documented record shape (below).
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { withSim, connectorFor, captureLogger, expectedEvent, runSync, withoutBackfill, SIGN_IN_EVENT_TYPES, LOG_READINGS, rng } from './helpers.mjs'
import { ServerRunner } from '../src/js/host.mjs'
import { SqliteStorage } from './support/sqlite-storage.mjs'
import { defineMetric, defineDashboard, computeMetric, computeOver, widgetMetrics, validateMetrics } from './support/rawdash-widgets.mjs'
import { resources, definition, validateConfig, configFields } from '../src/js/index.mjs'
import simData from '../src/simulator/data.cjs'

const DAY = 86_400_000
const okta = { name: 'okta' }
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-log-events-'))
after(() => fs.rmSync(dir, { recursive: true, force: true }))
let dbCount = 0
const openDb = () => SqliteStorage.open(path.join(dir, `db${dbCount++}.sqlite`))

// ---------------------------------------------------------------- the catalog and the reference mapping

const FAMILIES = definition().logEventFamilies
const familyOf = (type) => FAMILIES.find((f) => f.types.includes(type))
/** The event types a logEvents setting selects (the README's rule). */
function selectedTypes(logEvents = FAMILIES.map((f) => f.name)) {
  const out = new Set()
  for (const item of logEvents) {
    const family = FAMILIES.find((f) => f.name === item)
    for (const t of family ? family.types : [item]) out.add(t)
  }
  return out
}

const str = (v) => (typeof v === 'string' ? v : null)
// Cut to 256 characters (code points), marked with an ellipsis.
const cut = (v) => (typeof v === 'string' ? (Array.from(v).length > 256 ? `${Array.from(v).slice(0, 256).join('')}\u2026` : v) : null)
const KIND = { targetUser: (t) => t === 'User', targetApp: (t) => t === 'AppInstance', targetGroup: (t) => t === 'UserGroup', targetPolicy: (t) => typeof t === 'string' && t.startsWith('Policy') }

/** The documented okta_log_event record of a raw event (README "Resources and records"). */
export function expectedLogEvent(e) {
  const family = familyOf(e.eventType)
  const targets = Array.isArray(e.target) ? e.target.filter((t) => t && typeof t === 'object' && !Array.isArray(t)) : []
  const kinds = family ? family.targets : Object.keys(KIND)
  const attrs = {
    eventType: str(e.eventType),
    family: family ? family.name : 'other',
    result: str(e.outcome?.result),
    reason: str(e.outcome?.reason),
    severity: str(e.severity),
    actorId: str(e.actor?.id),
    actorType: str(e.actor?.type),
    actorAlternateId: str(e.actor?.alternateId),
    actorDisplayName: str(e.actor?.displayName),
  }
  for (const prefix of Object.keys(KIND)) {
    const t = kinds.includes(prefix) ? targets.find((x) => KIND[prefix](x.type)) : undefined
    attrs[`${prefix}Id`] = str(t?.id)
    attrs[`${prefix}Type`] = str(t?.type)
    attrs[`${prefix}DisplayName`] = str(t?.displayName)
  }
  const d = e.debugContext?.debugData ?? {}
  const flag = d.threatSuspected === true || d.threatSuspected === 'true' ? true : d.threatSuspected === false || d.threatSuspected === 'false' ? false : null
  const level = typeof d.risk === 'string' && /level=([A-Za-z_]+)/.exec(d.risk)?.[1]
  Object.assign(attrs, {
    ipAddress: str(e.client?.ipAddress),
    country: str(e.client?.geographicalContext?.country),
    city: str(e.client?.geographicalContext?.city),
    os: str(e.client?.userAgent?.os),
    browser: str(e.client?.userAgent?.browser),
    transactionId: str(e.transaction?.id),
    displayMessage: str(e.displayMessage),
    threatSuspected: flag,
    riskLevel: level || null,
    risk: cut(d.risk),
    behaviors: cut(d.behaviors),
    threatDetections: cut(d.threatDetections),
    privilegeGranted: cut(d.privilegeGranted),
    requestUri: cut(d.requestUri),
    uuid: str(e.uuid),
  })
  return { name: 'okta_log_event', start_ts: Date.parse(e.published), end_ts: null, attributes: attrs }
}

/** What storage must hold: sign-ins (when selected) and the selected types' log events of the org, in `[from, ∞)`. */
function truth(org, { signIns = true, types = selectedTypes(), from = -Infinity } = {}) {
  const auth = []
  const log = []
  for (let p = 0; p < org.eventCount; p++) {
    const e = org.event(p)
    if (Date.parse(e.published) < from) continue
    if (signIns && SIGN_IN_EVENT_TYPES.includes(e.eventType)) auth.push(expectedEvent(e))
    if (types.has(e.eventType)) log.push(expectedLogEvent(e))
  }
  return { auth, log }
}

const byUuid = (a, b) => (a.attributes.uuid < b.attributes.uuid ? -1 : 1)
const stored = async (storage, name) => (await storage.queryEvents({ name })).map(({ name: n, start_ts, end_ts, attributes }) => ({ name: n, start_ts, end_ts, attributes })).sort(byUuid)

/** Exactly the truth per resource (and per family): nothing missing, duplicated or extra. */
async function assertExact(storage, want, where) {
  for (const [name, list] of [['okta_auth_event', want.auth], ['okta_log_event', want.log]]) {
    const counts = await storage.eventUuidCounts(name)
    const dups = [...counts].filter(([, n]) => n > 1)
    assert.deepEqual(dups, [], `${where}: ${name} duplicated`)
    const have = new Set(counts.keys())
    const missing = list.filter((e) => !have.has(e.attributes.uuid))
    if (name === 'okta_log_event' && missing.length) {
      const perFamily = {}
      for (const e of missing) perFamily[e.attributes.family] = (perFamily[e.attributes.family] ?? 0) + 1
      assert.fail(`${where}: ${missing.length} of ${list.length} log events missing, by family ${JSON.stringify(perFamily)}`)
    }
    assert.equal(missing.length, 0, `${where}: ${missing.length} of ${list.length} ${name} missing`)
    assert.equal(counts.size, list.length, `${where}: ${name}: ${counts.size - list.length} unexpected events`)
  }
}

// ---------------------------------------------------------------- the README's security widgets

const perDay = { field: 'start_ts', granularity: 'day' }
const logMetric = (extra) => defineMetric({ connector: okta, shape: 'event', name: 'okta_log_event', fn: 'count', window: '30d', ...extra })
/** The README's security dashboard ("okta_log_event" section), verbatim in shape. */
export const securityDashboard = defineDashboard({
  widgets: {
    admin_grants: { kind: 'stat', title: 'Admin privilege grants (30 days)', window: '30d', metric: logMetric({ filter: [{ field: 'eventType', op: 'eq', value: 'user.account.privilege.grant' }] }) },
    lockouts_per_day: { kind: 'timeseries', title: 'Accounts locked out per day', window: '30d', metric: logMetric({ filter: [{ field: 'eventType', op: 'eq', value: 'user.account.lock' }], groupBy: perDay }) },
    threats_per_day: { kind: 'timeseries', title: 'Threats detected per day', window: '30d', metric: logMetric({ filter: [{ field: 'eventType', op: 'eq', value: 'security.threat.detected' }], groupBy: perDay }) },
    events_by_family: {
      kind: 'stat',
      title: 'System Log events by family (30 days)',
      window: '30d',
      metric: ['admin', 'lifecycle', 'security', 'app_access', 'mfa'].map((family) => logMetric({ label: family, filter: [{ field: 'family', op: 'eq', value: family }] })),
    },
    sign_ins_per_day: { kind: 'timeseries', title: 'Sign-ins per day', window: '30d', metric: defineMetric({ connector: okta, shape: 'event', name: 'okta_auth_event', fn: 'count', window: '30d', groupBy: perDay }) },
  },
})

async function widgetValues(source, dashboard, now) {
  const out = {}
  for (const [id, w] of Object.entries(dashboard.widgets)) {
    const values = []
    for (const m of widgetMetrics(w)) values.push(await (source.records ? computeOver(source.records, m, { now }) : computeMetric(source.storage, m, { now })))
    out[id] = values.length === 1 ? values[0] : values
  }
  return out
}

test('the security widgets are widgets rawdash accepts, on fields okta_log_event declares', () => {
  assert.deepEqual(validateMetrics({ security: securityDashboard }, resources), [])
  const declared = resources.okta_log_event.fields.map((f) => f.name)
  for (const field of ['eventType', 'family', 'targetUserId', 'threatSuspected', 'riskLevel', 'privilegeGranted']) assert.ok(declared.includes(field), field)
  const families = resources.okta_log_event.filterable.find((f) => f.field === 'family')
  assert.deepEqual(families.values, [...FAMILIES.map((f) => f.name), 'other'])
})

// ---------------------------------------------------------------- config

test('logEvents: families and exact types are accepted; an unknown family or a malformed type is OKTA_INVALID_CONFIG naming the item', () => {
  const base = { host: 'acme.okta.com', apiToken: { $secret: 'OKTA_API_TOKEN' }, resources: ['log_events'] }
  assert.deepEqual(validateConfig({ ...base, logEvents: ['security', 'admin', 'user.authentication.auth_via_AD_agent'] }).logEvents, ['security', 'admin', 'user.authentication.auth_via_AD_agent'])
  const zod = configFields.shape?.logEvents ?? null
  for (const [bad, index] of [[['security', 'secruity'], 1], [['user..lock'], 0], [['user.lock" or eventType pr'], 0], [['admin', 42], 1]]) {
    assert.throws(() => validateConfig({ ...base, logEvents: bad }), (err) => {
      assert.equal(err.code, 'OKTA_INVALID_CONFIG')
      const issue = err.issues.find((i) => i.field === `logEvents[${index}]`)
      assert.ok(issue, `an issue names logEvents[${index}] (${JSON.stringify(bad)}): ${JSON.stringify(err.issues)}`)
      assert.match(issue.message, /admin, lifecycle, security, app_access, mfa/)
      return true
    })
    if (zod) assert.equal(zod.safeParse(bad).success, false, JSON.stringify(bad))
  }
  assert.throws(() => validateConfig({ ...base, logEvents: [] }), (err) => err.code === 'OKTA_INVALID_CONFIG' && err.issues.some((i) => i.field === 'logEvents'))
})

// ---------------------------------------------------------------- across runs, aborts and host timeouts

// About 26,000 sign-ins and 3,500 log events over 20 days; the log endpoint allows 10
// requests a second and the connector uses half. A run's budget is 2 s, the server's
// timeout 3.5 s (scaled from 240 s and 300 s): the window takes several runs.
const ORG = { users: 300, groups: 20, events: 30_000, seed: 61, eventSpanMs: 20 * DAY, logFamilies: true, rateLimits: { logs: { limit: 10, windowMs: 1000 } } }

for (const logNextSince of LOG_READINGS) {
  test(`every family stored exactly once across runs, aborts and host timeouts, in no more log requests than the events need (next links: ${logNextSince})`, { timeout: 150_000 }, async () => {
    await withSim({ ...ORG, logNextSince }, async (sim) => {
      const storage = await openDb()
      const logger = captureLogger()
      const { connector } = connectorFor(sim, { resources: ['auth_events', 'log_events'] }, { logger, syncBudgetMs: 2000, chunkBudgetMs: 700 })
      const server = new ServerRunner(connector, storage, { timeoutMs: 3500, dashboards: { security: securityDashboard }, cadenceMs: 3_600_000 })
      const random = rng(logNextSince === 'keep' ? 3 : 4)
      const start = Date.now()
      const from = start - 31 * DAY
      const all = truth(sim.org, { from })
      assert.ok(all.log.length > 2000, `the org has log events of every family: ${all.log.length}`)
      for (const f of FAMILIES) assert.ok(all.log.some((e) => e.attributes.family === f.name), `the org has ${f.name} events`)
      // The fewest pages the selected events fill (one filter for both resources).
      const minimum = Math.ceil((all.auth.length + all.log.filter((e) => !SIGN_IN_EVENT_TYPES.includes(e.attributes.eventType)).length) / 1000)
      let complete = false
      let runs = 0
      while (!complete && runs < 14) {
        runs++
        if (runs === 3) {
          // A user is suspended and another locked out between runs: their events come with the next edge.
          const [a, b] = [...sim.org.users()].filter((u) => u.status === 'ACTIVE').sort(() => random() - 0.5)
          sim.userLifecycle(a.id, 'user.lifecycle.suspend')
          sim.userLifecycle(b.id, 'user.account.lock')
        }
        const rec = await server.run()
        assert.equal(rec.ok, true, `run ${runs}: ${rec.error}`)
        for (const name of ['okta_auth_event', 'okta_log_event']) {
          const dups = [...(await storage.eventUuidCounts(name))].filter(([, n]) => n > 1)
          assert.deepEqual(dups, [], `run ${runs}: ${name} duplicated`)
        }
        complete = logger.named('backfill complete').some((e) => e.fields.remaining_percent === 0)
      }
      assert.ok(complete, `the window completes within ${runs} runs`)
      assert.ok(runs >= 2, 'the window is larger than one run')
      // One more run stores what arrived meanwhile; then storage is the truth, record by record.
      assert.equal((await server.run()).ok, true)
      const want = truth(sim.org, { from })
      await assertExact(storage, want, `after ${runs + 1} runs`)
      assert.deepEqual(await stored(storage, 'okta_log_event'), [...want.log].sort(byUuid), 'every log event as documented')
      // Lifecycle events agree with the users: the latest status-setting event of each user is its status.
      const latest = new Map()
      for (const e of (await stored(storage, 'okta_log_event')).sort((a, b) => a.start_ts - b.start_ts)) {
        const status = simData.STATUS_AFTER_EVENT[e.attributes.eventType]
        if (status && e.attributes.targetUserId) latest.set(e.attributes.targetUserId, status)
      }
      assert.ok(latest.size > 10)
      for (const [id, status] of latest) assert.equal(sim.org.user(sim.org.userIndex(id)).status, status, `user ${id}`)
      // The widgets over storage equal the widgets over the truth.
      const now = Date.now()
      assert.deepEqual(await widgetValues({ storage }, securityDashboard, now), await widgetValues({ records: { events: [...want.auth, ...want.log] } }, securityDashboard, now))
      // One filter for both resources, no per-family queries: the requests the events need, plus one edge and
      // a run's budget cut resumes once: at most two pages a run beyond 1.05x.
      const requests = sim.requests.filter((r) => r.bucket === 'logs')
      const filters = new Set(requests.map((r) => r.query.filter))
      assert.equal(filters.size, 1, `one filter: ${[...filters].map((f) => f.slice(0, 60)).join(' | ')}`)
      const ok = requests.filter((r) => r.status === 200).length
      const bound = Math.ceil(1.05 * minimum) + 2 * (runs + 1)
      assert.ok(ok <= bound, `${ok} log requests for ${minimum} pages of events over ${runs + 1} runs (bound ${bound})`)
      storage.close()
    })
  })
}

// ---------------------------------------------------------------- a selection changed between runs

for (const logNextSince of LOG_READINGS) {
  test(`a widened selection reads only the new types; a narrowed one keeps what was stored; nothing is read twice (next links: ${logNextSince})`, { timeout: 120_000 }, async () => {
    await withSim({ users: 200, groups: 20, events: 12_000, seed: 62, eventSpanMs: 12 * DAY, logFamilies: true, logNextSince }, async (sim) => {
      const storage = await openDb()
      const start = Date.now()
      const from = start - 31 * DAY
      const run = async (logEvents) => {
        sim.resetLog()
        const { connector, logger } = connectorFor(sim, { resources: ['auth_events', 'log_events'], logEvents })
        const server = new ServerRunner(connector, storage, { dashboards: { security: securityDashboard } })
        const rec = await server.run()
        assert.equal(rec.ok, true, `${logEvents}: ${rec.error}`)
        assert.ok(logger.named('sync state ignored').length === 0, JSON.stringify(logger.named('sync state ignored')))
        return sim.requests.filter((r) => r.bucket === 'logs' && r.status === 200)
      }
      const bounded = (requests) => requests.filter((r) => r.query.until !== undefined)
      const names = (r) => [...r.query.filter.matchAll(/eventType eq "([^"]+)"/g)].map((m) => m[1])

      await run(['security'])
      await assertExact(storage, truth(sim.org, { types: selectedTypes(['security']), from }), 'security only')

      // Widened: the admin family and one exact type. Only they are read over the covered window.
      const widened = ['security', 'admin', 'user.account.update_profile']
      const second = await run(widened)
      await assertExact(storage, truth(sim.org, { types: selectedTypes(widened), from }), 'widened')
      const added = new Set([...selectedTypes(['admin']), 'user.account.update_profile'])
      assert.ok(bounded(second).length > 0, 'the new types history is read')
      for (const r of bounded(second)) assert.deepEqual(names(r).filter((t) => !added.has(t)), [], `a bounded read of the widened run names only the new types: ${r.query.filter.slice(0, 120)}`)
      // The events served are the new types' (plus the edge's few): the unchanged types are not read again.
      const newEvents = truth(sim.org, { signIns: false, types: added, from }).log.length
      const servedBounded = bounded(second).reduce((n, r) => n + r.logItems, 0)
      assert.ok(servedBounded <= newEvents, `${servedBounded} events served by the widened run's bounded reads for ${newEvents} new-type events`)
      assert.ok(second.length <= Math.ceil(newEvents / 1000) + 6, `${second.length} requests for ${newEvents} new-type events`)

      // Narrowed: the security events stay stored; nothing but the edge is read.
      const third = await run(['admin'])
      assert.deepEqual(bounded(third), [], 'a narrowed selection reads no history')
      await assertExact(storage, truth(sim.org, { types: selectedTypes(widened), from }), 'narrowed keeps what was stored')

      // Widened again: security missed only the time it was off; stored events are not stored twice.
      sim.addEvents([{ eventType: 'security.threat.detected', published: Date.now() - 1000, target: null, debugContext: { debugData: { threatSuspected: 'true' } } }])
      await run(widened)
      await assertExact(storage, truth(sim.org, { types: selectedTypes(widened), from }), 'widened again')
      storage.close()
    })
  })
}

// ---------------------------------------------------------------- bad input and faults

test('types Okta adds later, odd targets and a huge debugData are stored bounded with family other; a type Okta rejects is a clear error and nothing is stored', { timeout: 60_000 }, async () => {
  await withSim({ users: 30, groups: 3, events: 1500, seed: 63, eventSpanMs: 3 * DAY, logFamilies: true }, async (sim) => {
    const huge = 'x'.repeat(2_000_000)
    const now = Date.now()
    sim.addEvents([
      { eventType: 'system.brand.new_thing', published: now - 60_000, target: 'not a list', debugContext: { debugData: { behaviors: huge, threatSuspected: true, risk: `{level=LOW, ${huge}}` } } },
      { eventType: 'user.account.privilege.grant', published: now - 50_000, target: [7, null, { type: 'User' }, { id: 'x', type: 'UserGroup', displayName: 'Admins' }], debugContext: null },
      { eventType: 'security.threat.detected', published: now - 40_000, target: { id: 'not-an-array' }, debugContext: { debugData: huge } },
    ])
    const storage = await openDb()
    const logEvents = ['admin', 'security', 'system.brand.new_thing']
    const { connector } = connectorFor(sim, { resources: ['log_events'], logEvents })
    const result = await runSync(connector, storage, { mode: 'full' })
    assert.equal(result.done, true)
    const want = truth(sim.org, { signIns: false, types: selectedTypes(logEvents), from: now - 8 * DAY })
    await assertExact(storage, { auth: [], log: want.log }, 'odd events')
    const records = await stored(storage, 'okta_log_event')
    const other = records.find((e) => e.attributes.eventType === 'system.brand.new_thing')
    assert.equal(other.attributes.family, 'other')
    assert.equal(other.attributes.threatSuspected, true)
    assert.ok(other.attributes.behaviors.length < 300 && other.attributes.risk.length < 300)
    assert.ok(JSON.stringify(other).length < 4000, 'a huge debugData is not stored')
    const grant = records.find((e) => e.attributes.targetGroupId === 'x')
    assert.equal(grant.attributes.targetUserId, null)
    assert.equal(grant.attributes.targetGroupDisplayName, 'Admins')
    for (const r of records) for (const [k, v] of Object.entries(r.attributes)) assert.notEqual(v, undefined, k)
    assert.deepEqual(records, [...want.log].sort(byUuid))
    storage.close()

    // Okta refuses a type of the filter: the error names it and nothing is stored.
    sim.setOptions({ logRejectEventTypes: ['system.brand.new_thing'] })
    const fresh = await openDb()
    const rejected = connectorFor(sim, { resources: ['auth_events', 'log_events'], logEvents }).connector
    await assert.rejects(runSync(rejected, fresh, { mode: 'full' }), (err) => {
      assert.equal(err.code, 'OKTA_BAD_REQUEST')
      assert.match(err.message, /"system\.brand\.new_thing"/)
      assert.match(err.message, /logEvents/)
      return true
    })
    assert.deepEqual(await fresh.queryEvents({}), [])
    assert.equal(await fresh.getEntity('okta_sync_state', 'auth_events'), null)
    fresh.close()
  })
})

test('the README documents every family type, every record field and the security widgets as tested', () => {
  const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  for (const f of FAMILIES) for (const t of f.types) assert.ok(readme.includes(`\`${t}\``), `${f.name}: ${t}`)
  for (const { name } of resources.okta_log_event.fields) assert.ok(readme.includes(name), name)
  for (const title of Object.values(securityDashboard.widgets).map((w) => w.title).filter((t) => !t.startsWith('Sign-ins'))) assert.ok(readme.includes(title), title)
})

test('without backfill storage, okta_log_event is its own filtered Link chain: exactly the selected types', { timeout: 60_000 }, async () => {
  await withSim({ users: 40, groups: 4, events: 3000, seed: 64, eventSpanMs: 3 * DAY, logFamilies: true }, async (sim) => {
    const storage = await openDb()
    const logger = captureLogger()
    const { connector } = connectorFor(sim, { resources: ['auth_events', 'log_events'], logEvents: ['lifecycle', 'mfa'] }, { logger })
    const since = new Date(Date.now() - 5 * DAY).toISOString()
    const handle = withoutBackfill(storage)
    assert.equal((await runSync(connector, handle, { mode: 'full', since })).done, true)
    assert.equal(logger.named('backfill unavailable').length, 1)
    await assertExact(storage, truth(sim.org, { types: selectedTypes(['lifecycle', 'mfa']) }), 'chains')
    storage.close()
  })
})
