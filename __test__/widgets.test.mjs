// rawdash's widget schema and compute rules (support/rawdash-widgets.mjs) on small
// hand-made data, then the README's dashboard examples: each must be a widget rawdash
// accepts, and compute, over what a sync stored, what the simulator's org holds.
import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import ts from 'typescript'
import { defineMetric, defineDashboard, validateMetrics, computeMetric, computeOver, widgetSchemas, widgetMetrics, bucketKey } from './support/rawdash-widgets.mjs'
import { resources } from '../src/js/index.mjs'
import { MemoryStorage } from '../src/js/host.mjs'
import { ServerRunner } from '../src/js/host.mjs'
import { withSim, connectorFor, expectedRecords } from './helpers.mjs'
import { expectedDaySamples, expectedMfaSamples, expectedUserMfa } from './support/metrics-truth.mjs'

const okta = { name: 'okta' }
const DAY = 86_400_000
const NOW = Date.parse('2025-03-12T15:00:00.000Z')

describe('widget schema', () => {
  test('only stat, status, timeseries and distribution exist; metrics need a field unless count, and a name or entityType', () => {
    assert.deepEqual(Object.keys(widgetSchemas).sort(), ['distribution', 'stat', 'status', 'timeseries'])
    const count = defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_user', fn: 'count' })
    assert.equal(count.connectorId, 'okta')
    assert.doesNotThrow(() => defineDashboard({ widgets: { a: { kind: 'stat', title: 'A', metric: count } } }))
    assert.throws(() => defineDashboard({ widgets: { b: { kind: 'bar', title: 'B', metric: count } } }), /unknown kind "bar". Must be one of: stat, status, timeseries, distribution/)
    assert.throws(() => defineDashboard({ widgets: { t: { kind: 'table', title: 'T', metric: count } } }), /unknown kind "table"/)
    assert.throws(() => defineDashboard({ widgets: { s: { kind: 'timeseries', title: 'S', metric: count } } }), /timeseries/, 'a timeseries needs a window')
    const sum = defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_group', fn: 'sum' })
    assert.throws(() => defineDashboard({ widgets: { s: { kind: 'stat', title: 'S', metric: sum } } }), /field is required unless fn is "count"/)
    const nameless = defineMetric({ connector: okta, shape: 'event', fn: 'count' })
    assert.throws(() => defineDashboard({ widgets: { s: { kind: 'stat', title: 'S', metric: nameless } } }), /either name or entityType/)
    const badOp = defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_user', fn: 'count', filter: [{ field: 'status', op: 'in', value: 'ACTIVE' }] })
    assert.throws(() => defineDashboard({ widgets: { s: { kind: 'stat', title: 'S', metric: badOp } } }))
    const groupByCategory = defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_factor', fn: 'count', groupBy: { field: 'factorType' } })
    assert.throws(() => defineDashboard({ widgets: { s: { kind: 'distribution', title: 'S', window: '7d', metric: groupByCategory } } }), 'groupBy needs a time granularity')
    assert.doesNotThrow(() => defineDashboard({ widgets: { h: { kind: 'status', title: 'Okta', source: 'okta' } } }))
  })

  test("filter and groupBy fields must be declared in the connector's resources", () => {
    const dash = (metric) => ({ d: { widgets: { w: { kind: 'stat', title: 'W', metric } } } })
    const ok = defineMetric({ connector: okta, shape: 'event', name: 'okta_auth_event', fn: 'count', filter: [{ or: [{ field: 'result', op: 'eq', value: 'FAILURE' }, { field: 'result', op: 'eq', value: 'DENY' }] }], groupBy: { field: 'start_ts', granularity: 'day' } })
    assert.deepEqual(validateMetrics(dash(ok), resources), [])
    const badField = defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_user', fn: 'count', filter: [{ field: 'department', op: 'eq', value: 'x' }] })
    assert.match(validateMetrics(dash(badField), resources)[0], /filter field "department" is not a field of entity "okta_user"/)
    const badGroup = defineMetric({ connector: okta, shape: 'event', name: 'okta_auth_event', fn: 'count', groupBy: { field: 'published', granularity: 'day' } })
    assert.match(validateMetrics(dash(badGroup), resources)[0], /groupBy field "published"/)
    const unknown = defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_policy', fn: 'count' })
    assert.match(validateMetrics(dash(unknown), resources)[0], /unknown entity "okta_policy"/)
    const wrongShape = defineMetric({ connector: okta, shape: 'event', name: 'okta_user', fn: 'count' })
    assert.match(validateMetrics(dash(wrongShape), resources)[0], /is a "entity"/)
  })
})

describe('compute rules', () => {
  const ev = (start_ts, attributes) => ({ name: 'e', start_ts, end_ts: null, attributes })
  const events = [
    ev(NOW - 3 * DAY, { result: 'SUCCESS', n: 5, tags: ['a', 'b'] }),
    ev(NOW - 2 * DAY - 1000, { result: 'FAILURE', n: 1, tags: ['b'] }),
    ev(NOW - 2 * DAY + 1000, { result: 'DENY', n: 7, tags: [] }),
    ev(NOW - 3600_000, { result: 'SUCCESS', n: 2, tags: ['c'] }),
    ev(NOW - 60_000, { result: 'SUCCESS', n: null, tags: ['a'] }),
  ]
  const m = (extra) => defineMetric({ connector: okta, shape: 'event', name: 'e', fn: 'count', ...extra })
  const at = (records, metric) => computeOver({ events: records }, metric, { now: NOW })

  test('count, sum, avg, min, max, latest, first', async () => {
    assert.equal(await at(events, m({})), 5)
    assert.equal(await at(events, m({ fn: 'sum', field: 'n' })), 15)
    assert.equal(await at(events, m({ fn: 'avg', field: 'n' })), 15 / 4)
    assert.equal(await at(events, m({ fn: 'min', field: 'n' })), 1)
    assert.equal(await at(events, m({ fn: 'max', field: 'n' })), 7)
    assert.equal(await at(events, m({ fn: 'latest', field: 'n' })), null, 'latest by start_ts, null stays null')
    assert.equal(await at(events, m({ fn: 'first', field: 'n' })), 5)
    assert.equal(await at([], m({ fn: 'sum', field: 'n' })), 0)
    assert.equal(await at([], m({ fn: 'avg', field: 'n' })), null)
    await assert.rejects(at(events, m({ fn: 'sum', field: 'result' })), /requires numeric values/)
  })

  test('filters: eq neq gt gte lt lte contains and or', async () => {
    const f = (filter) => at(events, m({ filter }))
    assert.equal(await f([{ field: 'result', op: 'eq', value: 'SUCCESS' }]), 3)
    assert.equal(await f([{ field: 'result', op: 'neq', value: 'SUCCESS' }]), 2)
    assert.equal(await f([{ field: 'n', op: 'gt', value: 2 }]), 2)
    assert.equal(await f([{ field: 'n', op: 'gte', value: 2 }]), 3)
    assert.equal(await f([{ field: 'n', op: 'lt', value: 2 }]), 1)
    assert.equal(await f([{ field: 'n', op: 'lte', value: 2 }]), 2)
    assert.equal(await f([{ field: 'result', op: 'gt', value: 'A' }]), 0, 'ordering compares numbers only')
    assert.equal(await f([{ field: 'tags', op: 'contains', value: 'a' }]), 2, 'contains works on arrays')
    assert.equal(await f([{ field: 'result', op: 'contains', value: 'ESS' }]), 3)
    assert.equal(await f([{ or: [{ field: 'result', op: 'eq', value: 'FAILURE' }, { field: 'result', op: 'eq', value: 'DENY' }] }]), 2)
    assert.equal(await f([{ or: [{ field: 'result', op: 'eq', value: 'FAILURE' }, { field: 'result', op: 'eq', value: 'DENY' }] }, { field: 'n', op: 'gt', value: 3 }]), 1, 'clauses are and-ed')
  })

  test("the metric's window and groupBy decide what is computed", async () => {
    assert.equal(await at(events, m({ window: '2d' })), 3)
    assert.equal(await at(events, m({ window: '1h' })), 2)
    assert.deepEqual(await at(events, m({ groupBy: { field: 'start_ts', granularity: 'day' } })), [
      { date: '2025-03-09', value: 1 },
      { date: '2025-03-10', value: 2 },
      { date: '2025-03-12', value: 2 },
    ])
    assert.deepEqual(await at(events, m({ fn: 'sum', field: 'n', window: '2d', groupBy: { field: 'start_ts', granularity: 'day' } })), [
      { date: '2025-03-10', value: 7 },
      { date: '2025-03-12', value: 2 },
    ])
    assert.equal(bucketKey(Date.parse('2025-03-12T15:42:00Z'), 'hour'), '2025-03-12T15:00:00.000Z')
    assert.equal(bucketKey(Date.parse('2025-03-12T15:42:00Z'), 'week'), '2025-03-09', 'weeks start on Sunday')
    assert.equal(bucketKey(Date.parse('2025-03-12T15:42:00Z'), 'month'), '2025-03')
  })

  test('entities: attributes plus id, type and updated_at; the window applies to updated_at', async () => {
    const storage = new MemoryStorage()
    await storage.entity({ type: 'okta_user', id: 'a', attributes: { status: 'ACTIVE' }, updated_at: NOW - 10 * DAY })
    await storage.entity({ type: 'okta_user', id: 'b', attributes: { status: 'ACTIVE' }, updated_at: NOW - DAY })
    await storage.entity({ type: 'okta_user', id: 'c', attributes: { status: 'SUSPENDED' }, updated_at: NOW })
    const active = defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_user', fn: 'count', filter: [{ field: 'status', op: 'eq', value: 'ACTIVE' }] })
    assert.equal(await computeMetric(storage, active, { now: NOW }), 2)
    assert.equal(await computeMetric(storage, { ...active, window: '7d' }, { now: NOW }), 1)
    assert.equal(await computeMetric(storage, { ...active, fn: 'latest', field: 'id', filter: undefined }, { now: NOW }), 'c')
  })
})

// ---- The README's dashboards.

/** The ```ts blocks of the README that hold widgets. */
function readmeWidgetBlocks() {
  const text = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => /\bkind:\s*'/.test(b))
}

/**
 * Evaluates a README block with rawdash's functions: a whole config (`export default
 * defineConfig(...)`) gives its dashboards; a fragment (statements, then `key: widget,`
 * entries for "the widgets of the dashboard above") gives one dashboard of its entries.
 */
function evaluateBlock(block, index) {
  const js = ts.transpileModule(block, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText
  const env = { defineConfig: (c) => c, defineDashboard, defineMetric, secret: (name) => ({ $secret: name }) }
  if (/export default/.test(js)) {
    const config = new Function(...Object.keys(env), js.replace(/^import .*$/gm, '').replace(/export default/, 'return'))(...Object.values(env))
    return config.dashboards
  }
  // A fragment is plain JavaScript (entries are not statements: no transpiling).
  const lines = block.split('\n')
  const first = lines.findIndex((l) => /^\s*\w+:\s*\{/.test(l))
  assert.ok(first >= 0, `a README widgets block this test cannot read:\n${block}`)
  const code = `const okta = { name: 'okta' };\n${lines.slice(0, first).join('\n')}\nreturn { ${lines.slice(first).join('\n')} }`
  const widgets = new Function(...Object.keys(env), code)(...Object.values(env))
  // One dashboard per fragment: two fragments must not hide each other's widgets.
  return { [`readme_fragment_${index}`]: { widgets } }
}

test("the README's widgets are widgets rawdash accepts, and compute over a real sync what the org holds", { timeout: 60_000 }, async () => {
  const blocks = readmeWidgetBlocks()
  assert.ok(blocks.length >= 1)
  const problems = []
  const dashboards = {}
  for (const [index, block] of blocks.entries()) {
    let parsed
    try {
      parsed = evaluateBlock(block, index)
    } catch (err) {
      problems.push(`a README block is not a dashboard rawdash accepts: ${err.message}`)
      continue
    }
    for (const [name, d] of Object.entries(parsed)) {
      try {
        defineDashboard(d)
      } catch (err) {
        problems.push(`README dashboard ${name}: ${err.message}`)
      }
      dashboards[name] = d
    }
  }
  problems.push(...validateMetrics(dashboards, resources))
  // A timeseries is a series: its metric needs a time groupBy, else it is one number.
  for (const [name, d] of Object.entries(dashboards)) {
    for (const [id, w] of Object.entries(d.widgets)) {
      if (w.kind === 'timeseries' && widgetMetrics(w).some((x) => !x.groupBy)) problems.push(`README ${name}.${id}: a timeseries whose metric has no groupBy computes one number`)
    }
  }
  const valid = Object.fromEntries(Object.entries(dashboards).map(([n, d]) => [n, { widgets: Object.fromEntries(Object.entries(d.widgets).filter(([, w]) => widgetSchemas[w.kind])) }]))

  await withSim({ users: 60, groups: 8, events: 1500, devices: 40, seed: 13, eventSpanMs: 20 * 86_400_000 }, async (sim) => {
    const storage = new MemoryStorage()
    const { connector } = connectorFor(sim, { resources: ['users', 'groups', 'auth_events', 'apps', 'factors', 'devices', 'admin_roles'] })
    const server = new ServerRunner(connector, storage, { dashboards: valid })
    const run = await server.run()
    assert.equal(run.ok, true, String(run.error))
    const now = Date.now()
    const truth = expectedTruthRecords(sim)
    // The computed metrics: every day the stored backfill covers completely, today's partial one, today's MFA snapshot.
    const covered = (await storage.getEntity('okta_sync_state', 'auth_events')).attributes.covered
    truth.metrics = [...expectedDaySamples(sim.org, covered, now), ...expectedMfaSamples(sim.org, now)]
    for (const [name, d] of Object.entries(valid)) {
      for (const [id, w] of Object.entries(d.widgets)) {
        for (const metric of widgetMetrics(w)) {
          const shown = await computeMetric(storage, metric, { now })
          const want = await computeOver(truth, metric, { now })
          if (JSON.stringify(shown) !== JSON.stringify(want)) problems.push(`README ${name}.${id}: shows ${JSON.stringify(shown).slice(0, 200)}, the org has ${JSON.stringify(want).slice(0, 200)}`)
        }
      }
    }
  })
  assert.deepEqual(problems, [])
})

/** What the org holds, as the records a correct sync stores (users, groups, sign-ins, apps, factors, devices, admin roles). */
function expectedTruthRecords(sim) {
  const { users: listed, groups, events } = expectedRecords(sim.org)
  // With factors synced, each user carries the factor phase's MFA attributes.
  const mfa = expectedUserMfa(sim.org)
  const users = listed.map((u) => ({ ...u, attributes: { ...u.attributes, ...mfa.get(u.id) } }))
  const apps = [...sim.org.appsList()].map((a) => ({ type: 'okta_app', id: a.id, attributes: { status: a.status, name: a.name, label: a.label, signOnMode: a.signOnMode }, updated_at: 0 }))
  const factors = []
  for (const u of sim.org.users()) {
    for (const f of sim.org.factors(u.id) ?? []) factors.push({ type: 'okta_factor', id: f.id, attributes: { userId: u.id, factorType: f.factorType, provider: f.provider, status: f.status }, updated_at: 0 })
  }
  const devices = [...sim.org.devices('userSummary')].map((d) => ({
    type: 'okta_device',
    id: d.id,
    attributes: { status: d.status, platform: d.profile.platform, managed: d._embedded.users.length ? d._embedded.users.some((u) => u.managementStatus === 'MANAGED') : null },
    updated_at: 0,
  }))
  const roles = sim.org.roleAssignments().map((r) => ({
    type: 'okta_admin_role_assignment',
    id: `${r.principalType}:${r.id}`,
    attributes: { status: r.status, roleType: r.type, principalType: r.principalType },
    updated_at: 0,
  }))
  return { entities: [...users, ...groups, ...apps, ...factors, ...devices, ...roles], events }
}
