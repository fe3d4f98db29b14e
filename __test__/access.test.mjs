// Who has access to what: okta_group_member (a fan-out over groups) and
// okta_app_assignment (a fan-out over apps, two child lists each), run the way a
// deployment runs them (rawdash's server loop over SQLite), checked against the
// simulator's truth across runs with changes, aborts and host timeouts between them.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { withSim, connectorFor, captureLogger, MemoryStorage, runSync } from './helpers.mjs'
import { ServerRunner } from '../src/js/host.mjs'
import { SqliteStorage } from './support/sqlite-storage.mjs'
import { defineMetric, defineDashboard, validateMetrics, computeWidget } from './support/rawdash-widgets.mjs'
import { resources } from '../src/js/index.mjs'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-access-'))
after(() => fs.rmSync(dir, { recursive: true, force: true }))
let dbCount = 0
const openDb = () => SqliteStorage.open(path.join(dir, `db${dbCount++}.sqlite`))
const okta = { name: 'okta' }
const FAST = { limit: 100_000, windowMs: 1000 }
const ACCESS = ['group_members', 'app_assignments']

const MEMBERS_PATH = /^\/api\/v1\/groups\/[^/]+\/users$/
const APP_LISTS_PATH = /^\/api\/v1\/apps\/[^/]+\/(users|groups)$/
const parentOf = (p) => p.split('/')[4]

/** The README's access widgets (members of one group, active assignments of one app, ...). */
function accessDashboard(groupId, appId) {
  const active = { field: 'status', op: 'eq', value: 'ACTIVE' }
  return defineDashboard({
    widgets: {
      members_of_group: { kind: 'stat', title: 'Members of Engineering', metric: defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_group_member', fn: 'count', filter: [{ field: 'groupId', op: 'eq', value: groupId }, active] }) },
      memberships: { kind: 'stat', title: 'Group memberships', metric: defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_group_member', fn: 'count', filter: [active] }) },
      app_users: { kind: 'stat', title: 'Users assigned to Salesforce', metric: defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_app_assignment', fn: 'count', filter: [{ field: 'appId', op: 'eq', value: appId }, { field: 'principalType', op: 'eq', value: 'USER' }, active] }) },
      direct_assignments: { kind: 'stat', title: 'Direct app assignments', metric: defineMetric({ connector: okta, shape: 'entity', entityType: 'okta_app_assignment', fn: 'count', filter: [{ field: 'scope', op: 'eq', value: 'USER' }, active] }) },
    },
  })
}

/** The memberships a correct sync holds as ACTIVE: `<groupId>:<userId>` -> userId. */
function expectedMembers(org) {
  const out = new Map()
  for (let g = 0; g < org.groupCount; g++) {
    if (!org.group(g)) continue
    for (const u of org.groupMemberIndexes(g)) out.set(`${org.groupId(g)}:${org.userId(u)}`, org.userId(u))
  }
  return out
}

/** The assignments a correct sync holds as ACTIVE: id -> scope. */
function expectedAssignments(org) {
  const out = new Map()
  for (let a = 0; a < org.appCount; a++) {
    if (!org.app(a)) continue
    for (const [u, scope] of org.appUserScopes(a)) out.set(`${org.appId(a)}:user:${org.userId(u)}`, scope)
    for (const g of org.appGroupIndexes(a)) out.set(`${org.appId(a)}:group:${org.groupId(g)}`, 'GROUP')
  }
  return out
}

/** Stored records of a type: ACTIVE ones by id, and whether the rest are all REMOVED. */
async function storedAccess(storage, type) {
  const all = (await storage.queryEntities({ type })) ?? []
  const active = new Map()
  const removed = new Set()
  for (const e of all) {
    if (e.attributes.status === 'ACTIVE') active.set(e.id, e)
    else {
      assert.equal(e.attributes.status, 'REMOVED', `${e.id}: status ${e.attributes.status}`)
      assert.equal(typeof e.attributes.removedAt, 'number')
      removed.add(e.id)
    }
  }
  return { active, removed }
}

/** Asserts storage holds exactly the org's memberships and assignments (none lost, none stale). */
async function assertCurrent(storage, org, label) {
  const members = await storedAccess(storage, 'okta_group_member')
  const want = expectedMembers(org)
  const lost = [...want.keys()].filter((id) => !members.active.has(id))
  const stale = [...members.active.keys()].filter((id) => !want.has(id))
  assert.deepEqual({ lost: lost.slice(0, 5), stale: stale.slice(0, 5), n: lost.length + stale.length }, { lost: [], stale: [], n: 0 }, `${label}: memberships`)
  for (const [id, e] of members.active) assert.equal(e.attributes.userId, want.get(id))
  const assignments = await storedAccess(storage, 'okta_app_assignment')
  const wantA = expectedAssignments(org)
  const lostA = [...wantA.keys()].filter((id) => !assignments.active.has(id))
  const staleA = [...assignments.active.keys()].filter((id) => !wantA.has(id))
  assert.deepEqual({ lost: lostA.slice(0, 5), stale: staleA.slice(0, 5), n: lostA.length + staleA.length }, { lost: [], stale: [], n: 0 }, `${label}: assignments`)
  for (const [id, e] of assignments.active) assert.equal(e.attributes.scope, wantA.get(id), id)
  return { members, assignments }
}

/** Pages a child list of `n` items takes at `limit` a page (an empty list is one page). */
const pagesOf = (n, limit) => Math.max(1, Math.ceil(n / limit))

test('the README access widgets are widgets rawdash accepts, on fields the connector declares', () => {
  assert.deepEqual(validateMetrics({ access: accessDashboard('00g1', '0oa1') }, resources), [])
  for (const name of ['okta_group_member', 'okta_app_assignment']) {
    assert.ok(resources[name], name)
    assert.equal(resources[name].shape, 'entity')
  }
})

test('memberships and assignments: the first enumeration pages within child lists; later runs re-read only changed groups and apps; 0 lost or stale', { timeout: 120_000 }, async () => {
  const CHILD_PAGE = 40
  await withSim({ users: 130, groups: 30, apps: 8, events: 30, seed: 7, childPageLimit: CHILD_PAGE, rateLimits: { groups: FAST, apps: FAST, logs: FAST } }, async (sim) => {
    const org = sim.org
    const logger = captureLogger()
    const storage = await openDb()
    const { connector } = connectorFor(sim, { resources: ACCESS }, { logger })
    const dashboard = accessDashboard(org.groupId(5), org.appId(0))
    const server = new ServerRunner(connector, storage, { dashboards: { access: dashboard } })
    let runs = 0
    while (logger.named('fan-out enumerated').length < 2 && runs < 6) {
      const r = await server.run()
      assert.equal(r.ok, true, r.error)
      runs++
    }
    assert.equal(logger.named('fan-out enumerated').length, 2)
    await assertCurrent(storage, org, 'after the first enumeration')
    // The Everyone group (every user) took several pages of its member list.
    const everyone = sim.requests.filter((r) => r.path === `/api/v1/groups/${org.groupId(0)}/users`)
    assert.equal(everyone.length, pagesOf(org.groupMemberIndexes(0).length, CHILD_PAGE))
    assert.ok(everyone.length >= 3)
    // Each group and app read once: requests are its pages, nothing twice.
    const memberReads = sim.requests.filter((r) => MEMBERS_PATH.test(r.path))
    let memberFloor = 0
    for (let g = 0; g < org.groupCount; g++) memberFloor += pagesOf(org.groupMemberIndexes(g).length, CHILD_PAGE)
    assert.equal(memberReads.length, memberFloor)
    // The widgets, computed over what was stored.
    assert.equal(await computeWidget(storage, dashboard.widgets.members_of_group), org.groupMemberIndexes(5).length)
    assert.equal(await computeWidget(storage, dashboard.widgets.app_users), org.appUserScopes(0).length)

    // Changes between runs: adds, removals, a deleted group, an unassigned app, a deleted app.
    const eventsBefore = org.eventCount
    const [g5, g6, g7, g8] = [5, 6, 7, 8].map((g) => org.groupId(g))
    const outsider = org.userId([...Array(org.userCount).keys()].find((u) => !org.groupMemberIndexes(5).includes(u)))
    org.addGroupMember(g5, outsider)
    org.removeGroupMember(g6, org.userId(org.groupMemberIndexes(6)[0]))
    org.deleteGroup(g7)
    const directApp = [...Array(org.appCount).keys()].find((a) => a !== 4 && org.appDirectUserIndexes(a).length > 0)
    org.unassignUserFromApp(org.appId(directApp), org.userId(org.appDirectUserIndexes(directApp)[0]))
    org.assignUserToApp(org.appId(2), org.userId(3))
    org.assignGroupToApp(org.appId(3), g8)
    org.deleteApp(org.appId(4))
    const changedGroups = new Set([g5, g6, g7])
    const changedApps = new Set()
    for (let p = eventsBefore; p < org.eventCount; p++) {
      const e = org.event(p)
      for (const t of e.target ?? []) if (t.type === 'AppInstance' && /^(application\.|group\.application_assignment)/.test(e.eventType)) changedApps.add(t.id)
    }
    sim.resetLog()
    const r = await server.run()
    assert.equal(r.ok, true, r.error)
    const { members, assignments } = await assertCurrent(storage, org, 'after the changes')
    assert.ok(members.removed.has(`${g6}:${org.userId([...org.memberChanges.get(6).removed][0])}`), 'the removed membership is kept REMOVED')
    assert.ok([...members.removed].some((id) => id.startsWith(`${g7}:`)), "the deleted group's memberships are REMOVED")
    assert.ok([...assignments.removed].some((id) => id.startsWith(`${org.appId(4)}:`)), "the deleted app's assignments are REMOVED")
    // Only the changed parents were re-read: requests <= their pages + the list pages.
    const reread = sim.requests.filter((x) => MEMBERS_PATH.test(x.path))
    assert.deepEqual(new Set(reread.map((x) => parentOf(x.path))), changedGroups)
    const groupPages = [g5, g6].reduce((n, g) => n + pagesOf(org.groupMemberIndexes(org.groupIndex(g)).length, CHILD_PAGE), 1)
    assert.ok(reread.length <= groupPages, `${reread.length} member reads for ${groupPages} pages of changed groups`)
    const appReads = sim.requests.filter((x) => APP_LISTS_PATH.test(x.path))
    assert.deepEqual(new Set(appReads.map((x) => parentOf(x.path))), changedApps)
    const listPages = sim.requests.filter((x) => x.path === '/api/v1/groups' || x.path === '/api/v1/apps' || x.path === '/api/v1/logs')
    assert.ok(listPages.length <= 1 + 2 + 2, `list pages ${listPages.length}`)
    assert.equal(await computeWidget(storage, dashboard.widgets.members_of_group), org.groupMemberIndexes(5).length)

    // Nothing changed: no child list is read again.
    sim.resetLog()
    assert.equal((await server.run()).ok, true)
    assert.equal(sim.requests.filter((x) => MEMBERS_PATH.test(x.path) || APP_LISTS_PATH.test(x.path)).length, 0)
    await assertCurrent(storage, org, 'after a quiet run')
    storage.close?.()
  })
})

test('memberships and assignments across host timeouts and aborted chunks, with changes during the enumeration: 0 lost or stale', { timeout: 120_000 }, async () => {
  await withSim({ users: 200, groups: 60, apps: 10, events: 30, seed: 11, childPageLimit: 50, rateLimits: { groups: { limit: 40, windowMs: 1000 }, apps: { limit: 30, windowMs: 1000 }, logs: FAST } }, async (sim) => {
    const org = sim.org
    const logger = captureLogger()
    const storage = await openDb()
    const { connector } = connectorFor(sim, { resources: ACCESS }, { logger, syncBudgetMs: 1500, chunkBudgetMs: 500 })
    const server = new ServerRunner(connector, storage, { dashboards: { access: accessDashboard(org.groupId(2), org.appId(0)) }, timeoutMs: 1200 })
    let runs = 0
    let changed = 0
    // A run cut by the host's timeout is fine: progress is in storage (its late writes are dropped).
    const stage = async (id) => (await storage.getEntity('okta_sync_state', id))?.attributes?.stage
    const enumerated = async () => (await stage('group_members')) === 'current' && (await stage('app_assignments')) === 'current'
    while (!(await enumerated()) && runs < 40) {
      await server.run()
      runs++
      // A membership change while the enumeration runs (early and late groups).
      if (runs % 2 === 1 && changed < 6) {
        const g = changed % 2 === 0 ? 3 + changed : org.groupCount - 1 - changed
        const u = [...Array(org.userCount).keys()].find((x) => !org.groupMemberIndexes(g).includes(x))
        org.addGroupMember(org.groupId(g), org.userId(u))
        org.unassignUserFromApp(org.appId(changed % org.appCount), org.userId(org.appDirectUserIndexes(changed % org.appCount)[0] ?? 0))
        changed++
      }
    }
    // More than one run (how many depends on the machine's speed: 2 on a fast one).
    assert.ok(runs >= 2, `the enumeration took ${runs} runs`)
    assert.ok(server.runs.some((r) => !r.ok) || logger.named('fan-out incomplete').length > 0, 'some runs were cut short')
    // The next complete run picks up what changed since the enumeration started.
    const completeRun = async () => {
      for (let k = 0; k < 10; k++) if ((await server.run()).ok) return k + 1
      assert.fail('no run completed')
    }
    const extra = await completeRun()
    await assertCurrent(storage, org, 'after the enumeration')
    // An aborted chunk in the middle of a change run (the host's signal).
    org.removeGroupMember(org.groupId(9), org.userId(org.groupMemberIndexes(9)[0]))
    org.deleteGroup(org.groupId(10))
    org.unassignGroupFromApp(org.appId(0), org.groupId(org.appGroupIndexes(0)[0]))
    await runSync(connector, storage, { mode: 'latest', since: new Date(Date.now() - 60_000).toISOString() }, { abortAfter: (call) => (call < 2 ? 40 : undefined) }).catch(() => {})
    await completeRun()
    await assertCurrent(storage, org, 'after an aborted run and the next complete one')
    storage.close?.()
  })
})

test('a group deleted between its listing and its members read (404) is skipped and its memberships marked REMOVED', { timeout: 60_000 }, async () => {
  await withSim({ users: 60, groups: 12, apps: 3, events: 10, seed: 3, rateLimits: { groups: FAST, apps: FAST, logs: FAST } }, async (sim) => {
    const org = sim.org
    const storage = new MemoryStorage()
    const { connector } = connectorFor(sim, { resources: ['group_members'] })
    await runSync(connector, storage, { mode: 'full' })
    await assertCurrentMembers(storage, org)
    // A full re-enumeration from scratch (new storage), the group deleted right after the listing.
    const victim = org.groupId(4)
    let deleted = false
    sim.setOptions({
      onResponse: (entry) => {
        if (!deleted && entry.path === '/api/v1/groups') {
          deleted = true
          org.deleteGroup(victim)
        }
      },
    })
    await storage.entity({ type: 'okta_sync_state', id: 'group_members', attributes: { version: 0 }, updated_at: 0 })
    const logger = captureLogger()
    const r = await runSync(connectorFor(sim, { resources: ['group_members'] }, { logger }).connector, storage, { mode: 'full' })
    assert.equal(r.done, true)
    assert.ok(sim.requests.some((x) => x.path === `/api/v1/groups/${victim}/users` && x.status === 404))
    const members = await assertCurrentMembers(storage, org)
    assert.ok([...members.removed].some((id) => id.startsWith(`${victim}:`)))
  })
})

async function assertCurrentMembers(storage, org) {
  const members = await storedAccess(storage, 'okta_group_member')
  const want = expectedMembers(org)
  assert.deepEqual([...members.active.keys()].sort(), [...want.keys()].sort())
  return members
}

test('a user in a thousand groups; a 403 on the apps endpoints skips app assignments naming okta.apps.read', { timeout: 60_000 }, async () => {
  await withSim({ users: 20, groups: 1100, apps: 4, events: 10, seed: 5, forbidden: ['apps'], rateLimits: { groups: FAST, apps: FAST, logs: FAST } }, async (sim) => {
    const org = sim.org
    const busy = org.userId(1)
    for (let g = 1; g < org.groupCount; g++) if (!org.groupMemberIndexes(g).includes(1)) org.addGroupMember(org.groupId(g), busy)
    const logger = captureLogger()
    const storage = new MemoryStorage()
    const r = await runSync(connectorFor(sim, { resources: ACCESS }, { logger }).connector, storage, { mode: 'full' })
    assert.equal(r.done, true)
    await assertCurrentMembers(storage, org)
    const mine = (await storage.queryEntities({ type: 'okta_group_member' })).filter((e) => e.attributes.userId === busy)
    assert.equal(mine.length, org.groupCount)
    const skipped = logger.named('resource skipped')
    assert.equal(skipped.length, 1)
    assert.equal(skipped[0].fields.resource, 'okta_app_assignment')
    assert.match(skipped[0].fields.missing_permission, /okta\.apps\.read/)
  })
})

test('a child list whose next link points elsewhere is not followed (said in the log) and marks nothing removed', { timeout: 60_000 }, async () => {
  await withSim({ users: 90, groups: 6, apps: 3, events: 10, seed: 9, childPageLimit: 30, rateLimits: { groups: FAST, apps: FAST, logs: FAST } }, async (sim) => {
    const org = sim.org
    const storage = new MemoryStorage()
    await runSync(connectorFor(sim, { resources: ['group_members'] }).connector, storage, { mode: 'full' })
    await assertCurrentMembers(storage, org)
    // Everyone's member list now links to another endpoint; a user joins a group.
    sim.setOptions({ linkPath: { groups: '/api/v1/users' } })
    org.addUsers(1)
    await storage.entity({ type: 'okta_sync_state', id: 'group_members', attributes: { version: 0 }, updated_at: 0 })
    const logger = captureLogger()
    sim.resetLog()
    await runSync(connectorFor(sim, { resources: ['group_members'] }, { logger }).connector, storage, { mode: 'full' })
    assert.ok(logger.named('next link dropped').length >= 1)
    assert.ok(!sim.requests.some((x) => x.path === '/api/v1/users'), 'the foreign link was not followed')
    const members = await storedAccess(storage, 'okta_group_member')
    assert.equal(members.removed.size, 0, 'an incomplete list marks nothing removed')
  })
})
