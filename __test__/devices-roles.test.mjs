// Devices (okta_device) run the way a deployment runs them: rawdash's server loop
// (ServerRunner, both policies) over rawdash's SQLite adapter and the simulator, with
// changes between runs; storage must equal the simulator's org after every run.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { withSim, connectorFor, captureLogger } from './helpers.mjs'
import { ServerRunner } from '../src/js/host.mjs'
import { SqliteStorage } from './support/sqlite-storage.mjs'
import { defineMetric, defineDashboard, computeMetric, computeOver, validateMetrics } from './support/rawdash-widgets.mjs'
import { resources } from '../src/js/index.mjs'

const okta = { name: 'okta' }
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-devices-roles-'))
after(() => fs.rmSync(dir, { recursive: true, force: true }))
let dbCount = 0
const openDb = () => SqliteStorage.open(path.join(dir, `db${dbCount++}.sqlite`))
const ms = (s) => (typeof s === 'string' && !Number.isNaN(Date.parse(s)) ? Date.parse(s) : null)
const byId = (a, b) => (a.id < b.id ? -1 : 1)
const FAST = { limit: 100_000, windowMs: 1000 }
/** Warnings other than the base URL override every simulator test has. */
const warnings = (logger) => logger.events.filter((e) => e.level === 'warn' && e.event !== 'base url override')

// ---------------------------------------------------------------- devices

/** The okta_device records storage should hold for the org. */
function expectedDevices(org) {
  return [...org.devices('userSummary')]
    .map((d) => {
      const users = d._embedded.users
      return {
        type: 'okta_device',
        id: d.id,
        attributes: {
          status: d.status,
          displayName: d.profile.displayName,
          platform: d.profile.platform,
          manufacturer: d.profile.manufacturer,
          model: d.profile.model,
          osVersion: d.profile.osVersion,
          registered: d.profile.registered,
          managed: users.length ? users.some((u) => u.managementStatus === 'MANAGED') : null,
          userIds: users.map((u) => u.user.id),
          createdAt: ms(d.created),
          lastUpdatedAt: ms(d.lastUpdated),
        },
        updated_at: ms(d.lastUpdated),
      }
    })
    .sort(byId)
}
const storedOf = async (storage, type) => (await storage.queryEntities({ type })).sort(byId)

const ACTIVE = [{ field: 'status', op: 'eq', value: 'ACTIVE' }]
const platformCount = (platform) =>
  defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_device', fn: 'count', filter: [...ACTIVE, { field: 'platform', op: 'eq', value: platform }] })
/** Devices by platform: one stat per platform (rawdash has no group-by on a category). */
const devicesDashboard = defineDashboard({
  widgets: {
    active_devices: { kind: 'stat', title: 'Active devices', metric: defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_device', fn: 'count', filter: ACTIVE }) },
    macos_devices: { kind: 'stat', title: 'Active macOS devices', metric: platformCount('MACOS') },
    windows_devices: { kind: 'stat', title: 'Active Windows devices', metric: platformCount('WINDOWS') },
    ios_devices: { kind: 'stat', title: 'Active iOS devices', metric: platformCount('IOS') },
    android_devices: { kind: 'stat', title: 'Active Android devices', metric: platformCount('ANDROID') },
    managed_devices: { kind: 'stat', title: 'Managed devices', metric: defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_device', fn: 'count', filter: [...ACTIVE, { field: 'managed', op: 'eq', value: true }] }) },
  },
})

/** Every widget of `dashboard` over storage, against the same widget over the truth. */
async function widgetDifferences(storage, truth, dashboard) {
  const now = Date.now()
  const out = []
  for (const [id, w] of Object.entries(dashboard.widgets)) {
    const shown = await computeMetric(storage, w.metric, { now })
    const want = await computeOver(truth, w.metric, { now })
    if (JSON.stringify(shown) !== JSON.stringify(want)) out.push(`${id}: shows ${JSON.stringify(shown)}, the org has ${JSON.stringify(want)}`)
  }
  return out
}

test('the devices widgets are widgets rawdash accepts, on fields the connector declares', () => {
  assert.deepEqual(validateMetrics({ devices: devicesDashboard }, resources), [])
})

for (const policy of ['next', 'released']) {
  test(`okta_device: storage equals the org after every run, with devices deactivated, added and deleted between runs (${policy} server)`, { timeout: 60_000 }, async () => {
    await withSim({ users: 80, groups: 3, events: 20, devices: 450, seed: 17, rateLimits: { devices: FAST } }, async (sim) => {
      const storage = await openDb()
      const { connector, logger } = connectorFor(sim, { resources: ['devices'] })
      const server = new ServerRunner(connector, storage, { dashboards: { devices: devicesDashboard }, policy })
      const check = async (where, { deleted = [] } = {}) => {
        const want = expectedDevices(sim.org)
        const stored = await storedOf(storage, 'okta_device')
        // A device deleted in Okta leaves at the next full listing; an incremental run
        // cannot see a deletion and keeps it as last read (Okta deletes only DEACTIVATED devices).
        const kept = stored.filter((d) => !deleted.includes(d.id))
        assert.deepEqual(kept, want, `${where}: stored devices are the org's`)
        assert.ok(kept.length === stored.length || deleted.every((id) => stored.find((d) => d.id === id)?.attributes.status === 'DEACTIVATED'), `${where}: a deleted device is kept only as DEACTIVATED`)
        assert.deepEqual(await widgetDifferences(storage, { entities: want, events: [] }, devicesDashboard), [], `${where}: the widgets show the org`)
      }

      let rec = await server.run()
      assert.equal(rec.ok, true, String(rec.error))
      assert.equal(rec.mode, 'full')
      await check('run 1')
      const pages = sim.requests.filter((r) => r.bucket === 'devices')
      assert.equal(pages.length, 3, '450 devices are 3 pages of 200')
      assert.ok(pages.every((r) => r.query.expand === 'userSummary'), 'users come embedded, no request per device')
      const withUsers = (await storedOf(storage, 'okta_device')).filter((d) => d.attributes.userIds.length > 0)
      assert.ok(withUsers.length > 400, 'devices carry their users')
      const userIds = new Set([...sim.org.users()].map((u) => u.id))
      assert.ok(withUsers.every((d) => d.attributes.userIds.every((id) => userIds.has(id))), 'device users are users of the org')

      // Between runs: one device deactivated, one registered, one deactivated then deleted.
      const active = [...sim.org.devices()].filter((d) => d.status === 'ACTIVE')
      sim.org.updateDevice(active[0].id, { status: 'DEACTIVATED' })
      const [added] = sim.org.addDevices(1, { userId: sim.org.user(5).id, platform: 'WINDOWS' })
      const doomed = active[1].id
      sim.org.updateDevice(doomed, { status: 'DEACTIVATED' })
      sim.resetLog()
      rec = await server.run()
      assert.equal(rec.ok, true, String(rec.error))
      // A deletion after the read: the device was read as DEACTIVATED first.
      sim.org.deleteDevice(doomed)
      const second = await storedOf(storage, 'okta_device')
      assert.equal(second.find((d) => d.id === active[0].id).attributes.status, 'DEACTIVATED')
      assert.deepEqual(second.find((d) => d.id === added.id).attributes.userIds, [sim.org.user(5).id])
      if (rec.mode === 'latest') {
        const search = sim.requests.find((r) => r.bucket === 'devices').query.search
        assert.match(search, /^lastUpdated gt "/, 'an incremental run reads only the changed devices')
        assert.equal(sim.requests.filter((r) => r.bucket === 'devices').length, 1)
      }

      rec = await server.run()
      assert.equal(rec.ok, true, String(rec.error))
      await check('run 3', { deleted: rec.mode === 'full' ? [] : [doomed] })
      if (policy === 'released') assert.equal((await storedOf(storage, 'okta_device')).some((d) => d.id === doomed), false, 'a full run drops the deleted device')
      assert.deepEqual(warnings(logger), [])
      storage.close()
    })
  })
}

test('okta_device: a token without okta.devices.read skips devices with a warning naming the permission; the other resources sync', { timeout: 30_000 }, async () => {
  await withSim({ users: 30, groups: 3, events: 20, devices: 10, forbidden: ['devices'] }, async (sim) => {
    const storage = await openDb()
    const logger = captureLogger()
    const { connector } = connectorFor(sim, { resources: ['users', 'devices'] }, { logger })
    const activeUsers = { kind: 'stat', title: 'Active users', metric: defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_user', fn: 'count', filter: ACTIVE }) }
    const dashboard = defineDashboard({ widgets: { ...devicesDashboard.widgets, active_users: activeUsers } })
    const server = new ServerRunner(connector, storage, { dashboards: { devices: dashboard } })
    const rec = await server.run()
    assert.equal(rec.ok, true, String(rec.error))
    const skipped = logger.named('resource skipped')
    assert.equal(skipped.length, 1, JSON.stringify(warnings(logger)))
    assert.equal(skipped[0].level, 'warn')
    assert.equal(skipped[0].fields.resource, 'okta_device')
    assert.equal(skipped[0].fields.missing_permission, 'read devices (okta.devices.read)')
    assert.equal(sim.requests.filter((r) => r.bucket === 'devices').length, 1, 'a 403 is not retried')
    assert.equal((await storedOf(storage, 'okta_device')).length, 0)
    // The users phase ran (its one widget pushes status ACTIVE down).
    assert.equal((await storedOf(storage, 'okta_user')).length, [...sim.org.users()].filter((u) => u.status === 'ACTIVE').length)
    storage.close()
  })
})
