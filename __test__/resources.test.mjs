// The opt-in resources against the simulator: okta_app, group stats, and
// okta_factor (the per-user fan-out that spans host runs, then stays current from
// the System Log's factor lifecycle events).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { withSim, connectorFor, captureLogger, MemoryStorage, runSync, expectedRecords, LOG_READINGS } from './helpers.mjs'
import { ServerRunner } from '../src/js/host.mjs'
import { defineMetric } from './support/rawdash-widgets.mjs'

const factorRequests = (sim) => sim.requests.filter((r) => r.bucket === 'factors')
const ms = (s) => (typeof s === 'string' && !Number.isNaN(Date.parse(s)) ? Date.parse(s) : null)
const str = (v) => (typeof v === 'string' ? v : null)

/** The factors storage should hold for the org: every non-DEPROVISIONED user's. */
function expectedFactors(org) {
  const out = []
  for (const u of org.users()) {
    if (u.status === 'DEPROVISIONED') continue
    for (const f of org.factors(u.id)) {
      out.push({
        type: 'okta_factor',
        id: f.id,
        attributes: {
          userId: u.id,
          factorType: str(f.factorType),
          provider: str(f.provider),
          vendorName: str(f.vendorName),
          status: str(f.status),
          createdAt: ms(f.created),
          lastUpdatedAt: ms(f.lastUpdated),
        },
        updated_at: ms(f.lastUpdated) ?? ms(f.created) ?? 0,
      })
    }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1))
}
const storedFactors = async (storage) => (await storage.queryEntities({ type: 'okta_factor' })).sort((a, b) => (a.id < b.id ? -1 : 1))

test('okta_app: every app, paced in its own bucket, status pushed down, huge labels kept', { timeout: 60_000 }, async () => {
  await withSim({ users: 5, groups: 2, events: 10, apps: 450, rateLimits: { apps: { limit: 4, windowMs: 1000 } } }, async (sim) => {
    sim.org.patchApp(sim.org.app(3).id, { label: 'L'.repeat(50_000) })
    const { connector } = connectorFor(sim, { resources: ['apps'] })
    const storage = new MemoryStorage()
    assert.equal((await runSync(connector, storage, { mode: 'full' })).done, true)
    const apps = await storage.queryEntities({ type: 'okta_app' })
    assert.equal(apps.length, 450)
    const want = [...sim.org.appsList()]
    for (const a of want) {
      const got = apps.find((x) => x.id === a.id)
      assert.deepEqual(got.attributes, { label: a.label, name: a.name, status: a.status, signOnMode: a.signOnMode, createdAt: ms(a.created), lastUpdatedAt: ms(a.lastUpdated) })
    }
    assert.equal(apps.find((x) => x.id === sim.org.app(3).id).attributes.label.length, 50_000)
    const requests = sim.requests.filter((r) => r.bucket === 'apps')
    assert.equal(requests.length, 3)
    assert.equal(sim.stats().status429, 0)
    assert.ok(sim.stats().byBucket.apps.maxInWindow <= 2, 'half of a 4-a-second limit')
    // A single widget on active apps pushes the status filter down.
    sim.resetLog()
    const active = new MemoryStorage()
    await runSync(connectorFor(sim).connector, active, { mode: 'full', resources: new Set(['okta_app']), fetchSpecs: { okta_app: [{ filter: [{ field: 'status', op: 'eq', value: 'ACTIVE' }] }] } })
    assert.equal(sim.requests.find((r) => r.bucket === 'apps').query.filter, 'status eq "ACTIVE"')
    const stored = await active.queryEntities({ type: 'okta_app' })
    assert.ok(stored.length > 0 && stored.every((a) => a.attributes.status === 'ACTIVE'))
  })
})

test('defaults stay drop-in: no apps or factors unless the config or the host asks', async () => {
  await withSim({ users: 20, groups: 3, events: 50 }, async (sim) => {
    await runSync(connectorFor(sim).connector, new MemoryStorage(), { mode: 'full' })
    assert.deepEqual([...new Set(sim.requests.map((r) => r.bucket))].sort(), ['groups', 'logs', 'users'])
    sim.resetLog()
    // A host whose widgets use apps gets them without a setting.
    const storage = new MemoryStorage()
    await runSync(connectorFor(sim).connector, storage, { mode: 'full', resources: new Set(['okta_app', 'okta_group']) })
    assert.deepEqual([...new Set(sim.requests.map((r) => r.bucket))].sort(), ['apps', 'groups'])
    // Group stats come in the same response.
    const groups = await storage.queryEntities({ type: 'okta_group' })
    const everyone = groups.find((g) => g.attributes.name === 'Everyone')
    assert.equal(everyone.attributes.usersCount, sim.org.userCount)
    assert.ok(groups.every((g) => Number.isInteger(g.attributes.appsCount)))
    assert.deepEqual(groups.sort((a, b) => (a.id < b.id ? -1 : 1)), expectedRecords(sim.org).groups)
  })
})

// The factor suites read the System Log (lifecycle events): each runs under every reading of its next links.
for (const logNextSince of LOG_READINGS) {
  test(`okta_factor: the first enumeration reads every user but DEPROVISIONED once; later syncs re-read only the users the System Log names (next links: ${logNextSince})`, { timeout: 60_000 }, async () => {
    await withSim({ users: 140, groups: 2, events: 100, seed: 21, logNextSince }, async (sim) => {
      const logger = captureLogger()
      const { connector } = connectorFor(sim, { resources: ['factors'] }, { logger })
      const storage = new MemoryStorage()
      assert.equal((await runSync(connector, storage, { mode: 'full' })).done, true)
      assert.deepEqual(await storedFactors(storage), expectedFactors(sim.org))
      const readable = [...sim.org.users()].filter((u) => u.status !== 'DEPROVISIONED').length
      assert.equal(factorRequests(sim).length, readable, 'one request per user, none twice')
      assert.equal(logger.named('fan-out enumerated').length, 1)
      const state = await storage.getEntity('okta_sync_state', 'factors')
      assert.equal(state.attributes.stage, 'current')

      // A user enrolls a factor, another loses one, a third resets all.
      const users = [...sim.org.users()].filter((u) => u.status === 'ACTIVE' && sim.org.factors(u.id).length > 0)
      const [a, b, c] = users
      const added = sim.org.enrollFactor(a.id, { factorType: 'webauthn', provider: 'FIDO' })
      const gone = sim.org.factors(b.id)[0]
      sim.org.deactivateFactor(b.id, gone.id)
      const reset = sim.org.factors(c.id)
      sim.org.resetFactors(c.id)
      sim.resetLog()
      assert.equal((await runSync(connector, storage, { mode: 'latest', since: new Date(Date.now() - 60_000).toISOString() })).done, true)
      assert.deepEqual(factorRequests(sim).map((r) => r.path.split('/')[4]).sort(), [a.id, b.id, c.id].sort(), 'only the users named by the events')
      const byId = new Map((await storedFactors(storage)).map((f) => [f.id, f]))
      assert.equal(byId.get(added.id).attributes.status, 'ACTIVE')
      assert.equal(byId.get(gone.id).attributes.status, 'REMOVED')
      for (const f of reset) assert.equal(byId.get(f.id).attributes.status, 'REMOVED')
      // Everything else still matches the org.
      const live = new Map(expectedFactors(sim.org).map((f) => [f.id, f]))
      for (const [id, f] of byId) if (f.attributes.status !== 'REMOVED') assert.deepEqual(f, live.get(id))
      // Nothing changed since: the next sync reads the log and no user.
      sim.resetLog()
      await runSync(connector, storage, { mode: 'latest', since: new Date().toISOString() })
      assert.equal(factorRequests(sim).length, 0)
    })
  })

  test(`okta_factor: an enumeration larger than one run spans host runs, every run succeeds, no user is read twice (next links: ${logNextSince})`, { timeout: 120_000 }, async () => {
    await withSim({ users: 150, groups: 2, events: 100, seed: 4, rateLimits: { factors: { limit: 20, windowMs: 1000 } }, logNextSince }, async (sim) => {
      const logger = captureLogger()
      const { connector } = connectorFor(sim, { resources: ['factors'] }, { logger, syncBudgetMs: 2000, chunkBudgetMs: 700 })
      const storage = new MemoryStorage()
      // A dashboard with one MFA widget: rawdash asks for okta_factor only.
      const mfa = { kind: 'stat', title: 'Active factors', metric: defineMetric({ connector: { name: 'okta' }, shape: 'entity', entityType: 'okta_factor', fn: 'count', filter: [{ field: 'status', op: 'eq', value: 'ACTIVE' }] }) }
      const server = new ServerRunner(connector, storage, { timeoutMs: 4000, dashboards: { mfa: { widgets: { mfa } } } })
      let runs = 0
      while (logger.named('fan-out enumerated').length === 0 && runs < 14) {
        const r = await server.run()
        assert.equal(r.ok, true, `run ${runs + 1}: ${r.error}`)
        runs++
      }
      assert.ok(runs >= 2, `needed ${runs} runs`)
      assert.ok(logger.named('fan-out incomplete').length >= 1)
      assert.deepEqual(await storedFactors(storage), expectedFactors(sim.org))
      const perUser = new Map()
      for (const r of factorRequests(sim)) perUser.set(r.path, (perUser.get(r.path) ?? 0) + 1)
      const twice = [...perUser.values()].filter((n) => n > 1).length
      assert.equal(twice, 0, 'no user read twice across runs')
    })
  })

  test(`okta_factor: aborted chunks resume to the same storage; 404s, odd and hundreds of factors are handled (next links: ${logNextSince})`, { timeout: 60_000 }, async () => {
    await withSim({ users: 90, groups: 2, events: 50, seed: 9, logNextSince }, async (sim) => {
      const [heavy, odd] = [...sim.org.users()].filter((u) => u.status === 'ACTIVE')
      for (let i = 0; i < 300; i++) sim.org.enrollFactor(heavy.id, { factorType: i % 2 ? 'token:software:totp' : 'push' })
      const [f] = sim.org.factors(odd.id).length ? sim.org.factors(odd.id) : [sim.org.enrollFactor(odd.id)]
      sim.org.patchFactor(odd.id, f.id, { factorType: 'quantum:entanglement' }, { unset: ['provider', 'created'] })
      const clean = new MemoryStorage()
      await runSync(connectorFor(sim, { resources: ['factors'] }).connector, clean, { mode: 'full' })
      const want = await storedFactors(clean)
      assert.deepEqual(want, expectedFactors(sim.org))
      assert.equal(want.filter((x) => x.attributes.userId === heavy.id).length, sim.org.factors(heavy.id).length)
      const weird = want.find((x) => x.id === f.id)
      assert.equal(weird.attributes.factorType, 'quantum:entanglement')
      assert.equal(weird.attributes.provider, null)

      // Chunks aborted at random times still end with exactly the same storage.
      const storage = new MemoryStorage()
      const { connector } = connectorFor(sim, { resources: ['factors'] })
      const run = await runSync(connector, storage, { mode: 'full' }, { abortAfter: (call) => (call < 8 ? 30 + call * 20 : null) })
      assert.equal(run.done, true)
      assert.deepEqual(await storedFactors(storage), want)

      // A user deleted between the listing and their factor read (404) is skipped.
      sim.resetLog()
      sim.setOptions({ faults: [{ type: '404', bucket: 'factors', count: 1 }] })
      const logger = captureLogger()
      const gone = new MemoryStorage()
      const r = await runSync(connectorFor(sim, { resources: ['factors'] }, { logger }).connector, gone, { mode: 'full' })
      assert.equal(r.done, true)
      const notFound = sim.requests.filter((x) => x.bucket === 'factors' && x.status === 404)
      assert.equal(notFound.length, 1)
      const skippedUser = notFound[0].path.split('/')[4]
      assert.deepEqual(await storedFactors(gone), want.filter((x) => x.attributes.userId !== skippedUser))
      // (Every test runs through a base URL override, which is announced once.)
      const warnings = logger.events.filter((e) => e.level === 'warn' && e.event !== 'fetch page failed' && e.event !== 'base url override')
      assert.equal(warnings.length, 0, JSON.stringify(warnings))
    })
  })
}

test('okta_factor: a token that cannot read factors skips them with a warning; the other resources finish', async () => {
  await withSim({ users: 30, groups: 2, events: 50, forbidden: ['factors'] }, async (sim) => {
    const logger = captureLogger()
    const storage = new MemoryStorage()
    const run = await runSync(connectorFor(sim, { resources: ['users', 'factors'] }, { logger }).connector, storage, { mode: 'full' })
    assert.equal(run.done, true)
    assert.equal(logger.named('resource skipped')[0].fields.resource, 'okta_factor')
    assert.equal((await storage.queryEntities({ type: 'okta_user' })).length, 30)
  })
})

test('a sync reads only the stored states of the phases it covers (a drop-in config reads no factors state)', async () => {
  await withSim({ users: 20, groups: 2, events: 30, seed: 9 }, async (sim) => {
    const reads = []
    const counting = (storage) => {
      const getEntity = storage.getEntity.bind(storage)
      storage.getEntity = (type, id) => {
        reads.push(id)
        return getEntity(type, id)
      }
      return storage
    }
    await runSync(connectorFor(sim).connector, counting(new MemoryStorage()), { mode: 'full' })
    assert.ok(reads.includes('auth_events') && reads.includes('users'), JSON.stringify(reads))
    assert.ok(!reads.includes('factors') && !reads.includes('apps'), JSON.stringify(reads))
    reads.length = 0
    await runSync(connectorFor(sim, { resources: ['factors'] }).connector, counting(new MemoryStorage()), { mode: 'full' })
    assert.deepEqual([...new Set(reads)], ['factors'])
  })
})
