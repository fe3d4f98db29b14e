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

// ---------------------------------------------------------------- admin roles

/** The okta_admin_role_assignment records storage should hold: every assignment the org has. */
function expectedRoles(org) {
  return org
    .roleAssignments()
    .map((r) => {
      const principalId = r.principalType === 'GROUP' ? org.groupId(r.principalIndex) : org.userId(r.principalIndex)
      const created = ms(new Date(r.created).toISOString())
      const updated = ms(new Date(r.lastUpdated).toISOString())
      return {
        type: 'okta_admin_role_assignment',
        id: `${r.principalType}:${principalId}:${r.id}`,
        attributes: {
          principalType: r.principalType,
          principalId,
          assignee: `${r.principalType}:${principalId}`,
          roleType: r.type,
          roleLabel: r.label,
          roleId: r.role ?? null,
          resourceSetId: r.resourceSet ?? null,
          assignmentType: r.principalType,
          status: r.status,
          createdAt: created,
          lastUpdatedAt: updated,
        },
        updated_at: updated,
      }
    })
    .sort(byId)
}

const ROLE = 'okta_admin_role_assignment'
const held = [{ field: 'status', op: 'eq', value: 'ACTIVE' }]
const rolesDashboard = defineDashboard({
  widgets: {
    super_admins: { kind: 'stat', title: 'Super admins', metric: defineMetric({ connector: okta, shape: 'entity', entityType: ROLE, fn: 'count', filter: [...held, { field: 'roleType', op: 'eq', value: 'SUPER_ADMIN' }, { field: 'principalType', op: 'eq', value: 'USER' }] }) },
    admin_groups: { kind: 'stat', title: 'Groups holding an admin role', metric: defineMetric({ connector: okta, shape: 'entity', entityType: ROLE, fn: 'count', filter: [...held, { field: 'principalType', op: 'eq', value: 'GROUP' }] }) },
    read_only_admins: { kind: 'stat', title: 'Read-only admin assignments', metric: defineMetric({ connector: okta, shape: 'entity', entityType: ROLE, fn: 'count', filter: [...held, { field: 'roleType', op: 'eq', value: 'READ_ONLY_ADMIN' }] }) },
  },
})

test('the admin roles widgets are widgets rawdash accepts, on fields the connector declares', () => {
  assert.deepEqual(validateMetrics({ roles: rolesDashboard }, resources), [])
})

// Okta does not document whether the assignees list includes users who hold a role only
// through a group, nor whether its next link is a Link header too: every reading is run.
const ASSIGNEE_READINGS = [
  { assigneesIncludeGroupMembers: true, assigneesPaging: 'both' },
  { assigneesIncludeGroupMembers: false, assigneesPaging: 'body' },
]

for (const policy of ['next', 'released']) {
  for (const reading of ASSIGNEE_READINGS) {
    const name = `members listed: ${reading.assigneesIncludeGroupMembers}, next link: ${reading.assigneesPaging}`
    test(`okta_admin_role_assignment: admins only, never one request per user; grants and revocations between runs (${policy} server, ${name})`, { timeout: 60_000 }, async () => {
      await withSim({ users: 400, groups: 6, events: 30, devices: 0, seed: 23, rateLimits: { roles: FAST, logs: FAST }, ...reading }, async (sim) => {
        const org = sim.org
        // 120 more read-only admins: the assignees list takes two pages of 100.
        for (let i = 20; i < 140; i++) org.grantRole({ userId: org.userId(i), type: 'READ_ONLY_ADMIN' })
        const storage = await openDb()
        const { connector, logger } = connectorFor(sim, { resources: ['admin_roles'] })
        const server = new ServerRunner(connector, storage, { dashboards: { roles: rolesDashboard }, policy })
        const removed = new Set()
        const check = async (where) => {
          const stored = await storedOf(storage, ROLE)
          const want = expectedRoles(org)
          assert.deepEqual(stored.filter((r) => !removed.has(r.id)), want, `${where}: the stored assignments are the org's`)
          for (const id of removed) assert.equal(stored.find((r) => r.id === id)?.attributes.status, 'REMOVED', `${where}: ${id} is kept as REMOVED`)
          assert.deepEqual(await widgetDifferences(storage, { entities: want, events: [] }, rolesDashboard), [], `${where}: the widgets show the org`)
        }

        let rec = await server.run()
        assert.equal(rec.ok, true, String(rec.error))
        await check('run 1')
        const roleRequests = sim.requests.filter((r) => r.bucket === 'roles')
        const assigneePages = roleRequests.filter((r) => r.path === '/api/v1/iam/assignees/users')
        assert.equal(assigneePages.length, 2, 'both assignee pages are read, whichever way the next link comes')
        // Every admin's roles are read, and nobody else's; at most twice (the enumeration,
        // and the look-back over the grants made just before it).
        const assignees = org.roleAssigneeIndexes(reading.assigneesIncludeGroupMembers).map((i) => org.userId(i))
        const readUsers = roleRequests.map((r) => /^\/api\/v1\/users\/([^/]+)\/roles$/.exec(r.path)?.[1]).filter(Boolean)
        assert.deepEqual([...new Set(readUsers)].sort(), [...assignees].sort(), 'the roles of the admins, none of the other users')
        assert.ok(readUsers.length <= 2 * assignees.length, `${readUsers.length} reads for ${assignees.length} admins`)
        assert.equal(roleRequests.length, assigneePages.length + readUsers.length)
        // The group's role is found through its members (user 6 also holds one of its own).
        assert.ok((await storedOf(storage, ROLE)).some((r) => r.attributes.principalType === 'GROUP'))

        // Between runs: a new super admin, a revoked read-only admin, a group granted a
        // role, and the seeded group's role revoked.
        const grantAt = Date.now()
        const superAdmin = org.grantRole({ userId: org.userId(150), type: 'SUPER_ADMIN' })
        const revoked = org.roleAssignments().find((r) => r.principalType === 'USER' && r.type === 'READ_ONLY_ADMIN' && r.principalIndex === 2)
        org.revokeRole(revoked.id)
        removed.add(`USER:${org.userId(2)}:${revoked.id}`)
        org.grantRole({ groupId: org.groupId(3), type: 'REPORT_ADMIN', members: [org.userId(151)] })
        const groupRole = org.roleAssignments().find((r) => r.principalType === 'GROUP' && r.principalIndex === 2)
        org.revokeRole(groupRole.id)
        removed.add(`GROUP:${org.groupId(2)}:${groupRole.id}`)
        sim.resetLog()
        rec = await server.run()
        assert.equal(rec.ok, true, String(rec.error))
        await check('run 2')
        const reads = sim.requests.filter((r) => r.bucket === 'roles')
        assert.ok(reads.length <= 4, `only the users and groups the System Log names are read again: ${reads.map((r) => r.path).join(', ')}`)
        const stored = await storedOf(storage, ROLE)
        assert.ok(stored.find((r) => r.id === `USER:${org.userId(150)}:${superAdmin.id}`).updated_at >= grantAt - 1000)

        // An admin deleted (no revoke event: Okta logs the deletion): their assignments go.
        const gone = org.roleAssignments().filter((r) => r.principalType === 'USER' && r.principalIndex === 0)
        org.deleteUser(org.userId(0))
        for (const r of gone) {
          org.roleAssignments().splice(org.roleAssignments().indexOf(r), 1)
          removed.add(`USER:${org.userId(0)}:${r.id}`)
        }
        org.addEvents([{ eventType: 'user.lifecycle.delete.initiated', published: org.clock(), target: [{ id: org.userId(0), type: 'User' }] }])
        sim.resetLog()
        rec = await server.run()
        assert.equal(rec.ok, true, String(rec.error))
        await check('run 3 (an admin deleted)')
        assert.deepEqual(sim.requests.filter((r) => r.bucket === 'roles').map((r) => r.status), [404], 'the deleted admin is read once (404)')

        // A quiet run reads no roles at all.
        sim.resetLog()
        rec = await server.run()
        assert.equal(rec.ok, true, String(rec.error))
        await check('run 4')
        assert.equal(sim.requests.filter((r) => r.bucket === 'roles').length, 0)
        // The one warning: the deleted admin's 404 (a fan-out logs a failed read, then skips it).
        const warned = warnings(logger)
        assert.deepEqual(warned.map((w) => [w.event, w.fields.status, w.fields.page?.endsWith(`/api/v1/users/${org.userId(0)}/roles`)]), [['fetch page failed', 404, true]])
        storage.close()
      })
    })
  }
}

test('okta_admin_role_assignment: a token without okta.roles.read skips admin roles with a warning naming the permission', { timeout: 30_000 }, async () => {
  await withSim({ users: 30, groups: 3, events: 20, forbidden: ['roles'] }, async (sim) => {
    const storage = await openDb()
    const logger = captureLogger()
    const { connector } = connectorFor(sim, { resources: ['admin_roles', 'devices'] }, { logger })
    const server = new ServerRunner(connector, storage, { dashboards: { all: defineDashboard({ widgets: { ...rolesDashboard.widgets, ...devicesDashboard.widgets } }) } })
    const rec = await server.run()
    assert.equal(rec.ok, true, String(rec.error))
    const skipped = logger.named('resource skipped')
    assert.equal(skipped.length, 1, JSON.stringify(warnings(logger)))
    assert.equal(skipped[0].fields.resource, ROLE)
    assert.equal(skipped[0].fields.missing_permission, 'read admin roles (okta.roles.read)')
    assert.equal((await storedOf(storage, ROLE)).length, 0)
    assert.equal((await storedOf(storage, 'okta_device')).length, sim.org.deviceCount, 'devices still sync')
    storage.close()
  })
})

test('okta_admin_role_assignment: an assignees next link to another origin is not followed', { timeout: 30_000 }, async () => {
  for (const assigneesPaging of ['both', 'body']) {
    await withSim({ users: 300, groups: 3, events: 10, linkOrigin: 'https://elsewhere.example', assigneesPaging, rateLimits: { roles: FAST, logs: FAST } }, async (sim) => {
      for (let i = 20; i < 140; i++) sim.org.grantRole({ userId: sim.org.userId(i), type: 'READ_ONLY_ADMIN' })
      const storage = await openDb()
      const { connector } = connectorFor(sim, { resources: ['admin_roles'] })
      const rec = await new ServerRunner(connector, storage, { dashboards: { roles: rolesDashboard } }).run()
      assert.equal(rec.ok, true, String(rec.error))
      assert.equal(sim.requests.filter((r) => r.path === '/api/v1/iam/assignees/users').length, 1, `${assigneesPaging}: the first page only`)
      const first = sim.org.roleAssigneeIndexes().slice(0, 100).map((i) => sim.org.userId(i))
      const principals = new Set((await storedOf(storage, ROLE)).filter((r) => r.attributes.principalType === 'USER').map((r) => r.attributes.principalId))
      // The first page's admins, and those the grant events (just before the run) name.
      const named = new Set(Array.from({ length: 120 }, (_, k) => sim.org.userId(20 + k)))
      const own = new Set(sim.org.roleAssignments().filter((r) => r.principalType === 'USER').map((r) => sim.org.userId(r.principalIndex)))
      assert.ok(first.filter((id) => own.has(id)).every((id) => principals.has(id)), 'every admin of the first page')
      assert.deepEqual([...principals].filter((id) => !first.includes(id) && !named.has(id)), [], 'no admin of the unfollowed page but through its events')
      storage.close()
    })
  }
})
