// The connector's sync behaviour against the Okta simulator, item by item of the
// spec (sections 3-6, 8, 9), through the host loop and a storage handle with the
// contract's replace/upsert semantics.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  withSim,
  connectorFor,
  fullSync,
  expectedRecords,
  stored,
  MemoryStorage,
  runSync,
  OktaConnector,
  captureLogger,
  withoutBackfill,
} from './helpers.mjs'
import { instantiateConnector, defineConfig } from '../src/js/host.mjs'

const AUTH_FILTER =
  'eventType eq "user.session.start" or eventType eq "user.authentication.auth_via_mfa" or eventType eq "user.authentication.sso" or eventType eq "user.session.access_admin_app" or eventType eq "user.authentication.auth_unauth_app"'
const ORG = { users: 430, groups: 25, events: 2600, seed: 7 }
const byBucket = (sim, bucket) => sim.requests.filter((r) => r.bucket === bucket)

test('the README example config stores exactly the spec records for every user, group and sign-in event', async () => {
  await withSim(ORG, async (sim) => {
    // The README's rawdash.config.ts, with defineConfig from the host harness.
    const config = defineConfig({
      connectors: [
        { id: 'okta', connector: 'okta', config: { host: 'acme.okta.com', apiToken: { $secret: 'OKTA_API_TOKEN' }, resources: ['users', 'groups', 'auth_events'] } },
      ],
    })
    process.env.OKTA_API_TOKEN = sim.token
    process.env.OKTA_BASE_URL = sim.url
    try {
      const logger = captureLogger()
      const connector = instantiateConnector(config.connectors[0], { okta: OktaConnector }, undefined, logger)
      const storage = new MemoryStorage()
      const run = await runSync(connector, storage, { mode: 'full' })
      assert.equal(run.done, true)
      const got = await stored(storage)
      const want = expectedRecords(sim.org)
      assert.equal(got.users.length, ORG.users, 'every user, DEPROVISIONED included')
      assert.ok(got.users.some((u) => u.attributes.status === 'DEPROVISIONED'))
      assert.equal(got.groups.length, ORG.groups)
      assert.ok(got.events.length > 2000)
      assert.deepEqual(got, want)
    } finally {
      delete process.env.OKTA_API_TOKEN
      delete process.env.OKTA_BASE_URL
    }
  })
})

test('every request is a GET with SSWS auth, JSON accept and a connector user agent', async () => {
  await withSim(ORG, async (sim) => {
    await fullSync(sim)
    assert.ok(sim.requests.length >= 6)
    for (const r of sim.requests) {
      assert.equal(r.method, 'GET')
      assert.equal(r.headers.authorization, 'SSWS <valid>')
      assert.equal(r.headers.accept, 'application/json')
      assert.match(r.headers['user-agent'], /rawdash-connector-okta/)
    }
  })
})

test('first-page URLs follow the spec: limits, all-status user filter, sign-in log poll', async () => {
  await withSim(ORG, async (sim) => {
    await fullSync(sim)
    const [users] = byBucket(sim, 'users')
    const [groups] = byBucket(sim, 'groups')
    const [logs] = byBucket(sim, 'logs')
    assert.equal(users.path, '/api/v1/users')
    assert.equal(users.query.limit, '200')
    for (const s of ['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'LOCKED_OUT', 'PASSWORD_EXPIRED', 'SUSPENDED', 'DEPROVISIONED']) {
      assert.ok(users.query.filter.includes(`status eq "${s}"`), s)
    }
    assert.deepEqual(groups.query, { limit: '200', expand: 'stats' })
    // The backfill reads the newest hour with Okta's polling pattern first, then the
    // rest of the window as bounded queries, newest first.
    const edgeSince = Date.parse(logs.query.since)
    assert.ok(Math.abs(edgeSince - (Date.now() - 3600_000)) < 60_000, logs.query.since)
    assert.deepEqual({ ...logs.query, since: undefined }, { limit: '1000', filter: AUTH_FILTER, sortOrder: 'ASCENDING', since: undefined })
    const firstGapPage = byBucket(sim, 'logs').find((r) => r.query.until && !r.query.after)
    assert.equal(firstGapPage.query.sortOrder, 'DESCENDING')
    assert.equal(firstGapPage.query.until, logs.query.since, 'the gap ends where the edge starts')
    // A storage handle that cannot keep the backfill state gets the spec's single poll.
    sim.resetLog()
    await runSync(connectorFor(sim).connector, withoutBackfill(new MemoryStorage()), { mode: 'full' })
    assert.deepEqual(byBucket(sim, 'logs')[0].query, { limit: '1000', filter: AUTH_FILTER, sortOrder: 'ASCENDING' })
  })
})

test('paging follows Link rel="next" to the end, and the log phase stops at the first empty page', async () => {
  await withSim(ORG, async (sim) => {
    await runSync(connectorFor(sim).connector, withoutBackfill(new MemoryStorage()), { mode: 'full' })
    const users = byBucket(sim, 'users')
    assert.equal(users.length, Math.ceil(ORG.users / 200))
    assert.ok(users.slice(1).every((r) => r.query.after), 'later pages come from next links')
    const signIns = expectedRecords(sim.org).events.length
    const logs = byBucket(sim, 'logs')
    // Full pages of 1000, then one more request that returns the first empty page.
    assert.equal(logs.length, Math.ceil(signIns / 1000) + (signIns % 1000 === 0 ? 1 : 1))
    assert.ok(logs.slice(1).every((r) => r.query.after), 'later log pages come from next links')
    assert.ok(sim.requests.every((r) => r.status === 200))
  })
})

test('a next link to another origin or path is dropped: the phase ends and nothing is sent there', async () => {
  await withSim({ ...ORG, linkOrigin: 'http://127.0.0.2:1' }, async (sim) => {
    const { logger, run } = await fullSync(sim)
    assert.equal(run.done, true)
    assert.equal(byBucket(sim, 'users').length, 1)
    assert.ok(logger.named('next link dropped').length >= 1)
  })
  await withSim({ ...ORG, linkPath: '/api/v1/groups' }, async (sim) => {
    await fullSync(sim, { resources: ['users'] })
    assert.equal(sim.requests.length, 1)
  })
})

test('full mode removes what Okta no longer has by one scope replace at the end of the listing; events are kept', async () => {
  await withSim(ORG, async (sim) => {
    const { connector } = connectorFor(sim)
    const storage = new MemoryStorage()
    // Stale data that a full sync must remove.
    await storage.entity({ type: 'okta_user', id: 'gone', attributes: {}, updated_at: 0 })
    await storage.event({ name: 'okta_auth_event', start_ts: 1, end_ts: null, attributes: { uuid: 'old' } })
    await runSync(connector, storage, { mode: 'full' })
    assert.equal(await storage.getEntity('okta_user', 'gone'), null)
    // Okta events are immutable: a full sync fills what is missing, it clears nothing.
    assert.ok(storage.eventList.some((e) => e.attributes.uuid === 'old'))
    const clears = (s) => s.calls.filter((c) => (c.types ?? c.names).length > 0)
    // Only the scope that held a stale record is replaced (after its listing, so it
    // never reads as a partial set); groups are upserted page by page.
    assert.deepEqual(clears(storage).map((c) => c.types?.[0] ?? c.names?.[0]).sort(), ['okta_user'])
    assert.deepEqual((await stored(storage)).users, expectedRecords(sim.org).users)
    // Without a backfill-capable handle, the spec's clear-and-rewrite of the sign-in
    // events; entities are still reconciled (queryEntities), nothing stale here.
    const legacy = new MemoryStorage()
    await legacy.event({ name: 'okta_auth_event', start_ts: 1, end_ts: null, attributes: { uuid: 'old' } })
    await runSync(connectorFor(sim).connector, withoutBackfill(legacy), { mode: 'full' })
    assert.ok(!legacy.eventList.some((e) => e.attributes.uuid === 'old'))
    assert.deepEqual(clears(legacy).map((c) => c.types?.[0] ?? c.names?.[0]).sort(), ['okta_auth_event'])
    // A handle that cannot list entities gets the spec's clear-first of each scope.
    const writeOnly = new MemoryStorage()
    const handle = { entity: (e) => writeOnly.entity(e), event: (e) => writeOnly.event(e), entities: (l, sc) => writeOnly.entities(l, sc), events: (l, sc) => writeOnly.events(l, sc), guarded() { return this } }
    await runSync(connectorFor(sim).connector, handle, { mode: 'full' })
    assert.deepEqual(clears(writeOnly).map((c) => c.types?.[0] ?? c.names?.[0]).sort(), ['okta_auth_event', 'okta_group', 'okta_user'])
  })
})

test('latest mode never clears, filters entities by lastUpdated and appends only events newer than since', async () => {
  await withSim(ORG, async (sim) => {
    const { storage } = await fullSync(sim)
    const events = [...sim.org.events()].filter((e) => e.eventType.startsWith('user.'))
    const since = events[Math.floor(events.length / 2)].published
    sim.resetLog()
    const { connector } = connectorFor(sim)
    // A handle without readers: no late-event look-back, so the spec's strict rule.
    const latest = new MemoryStorage()
    const writeOnly = { entity: (e) => latest.entity(e), event: (e) => latest.event(e), entities: (l, s) => latest.entities(l, s), events: (l, s) => latest.events(l, s), guarded() { return this } }
    await runSync(connector, writeOnly, { mode: 'latest', since })
    assert.equal(latest.calls.filter((c) => (c.types ?? c.names).length > 0).length, 0, 'no clears')
    const [users] = byBucket(sim, 'users')
    // rawdash's since is when the previous run ENDED: without a stored listing state
    // the query reaches back a whole run (300 s) plus 5 minutes.
    assert.equal(users.query.filter, `lastUpdated gt "${new Date(Date.parse(since) - 600_000).toISOString()}"`)
    const sinceMs = Date.parse(since)
    assert.ok(latest.eventList.length > 0)
    assert.ok(latest.eventList.every((e) => e.start_ts > sinceMs), 'strictly newer than since')
    const want = (await stored(storage)).events.filter((e) => e.start_ts > sinceMs)
    assert.deepEqual((await stored(latest)).events, want)
    // With readers (since = the last sync, as the host passes it), the look-back
    // re-reads the last minutes of events but never stores one twice.
    const before = await stored(storage)
    sim.resetLog()
    await runSync(connectorFor(sim).connector, storage, { mode: 'latest', since: new Date().toISOString() })
    assert.ok(byBucket(sim, 'logs')[0].query.since < new Date(Date.now() - 4 * 60_000).toISOString(), 'query reaches back')
    assert.deepEqual(await stored(storage), before)
  })
})

test('full mode with since rewrites the COMPLETE user and group sets (difference 3)', async () => {
  await withSim(ORG, async (sim) => {
    const since = new Date(Date.now() - 2 * 24 * 3600 * 1000).toISOString()
    const { storage } = await fullSync(sim, {}, { since })
    const got = await stored(storage)
    const want = expectedRecords(sim.org, { since })
    assert.equal(got.users.length, ORG.users)
    assert.deepEqual(got, want)
    // The window starts at since: the oldest gap's bounded query starts there.
    assert.ok(byBucket(sim, 'logs').some((r) => r.query.since === since && r.query.until))
    assert.ok(byBucket(sim, 'logs').every((r) => r.query.since >= since))
    assert.ok(!byBucket(sim, 'users')[0].query.filter.includes('lastUpdated'))
  })
})

test('options.resources and settings.resources limit the phases (difference 2)', async () => {
  await withSim(ORG, async (sim) => {
    const { storage } = await fullSync(sim, {}, { resources: new Set(['okta_group']) })
    assert.deepEqual([...new Set(sim.requests.map((r) => r.bucket))], ['groups'])
    assert.equal(storage.eventList.length, 0)
    sim.resetLog()
    await fullSync(sim, { resources: ['users', 'auth_events'] }, { resources: new Set(['okta_auth_event', 'okta_group']) })
    assert.deepEqual([...new Set(sim.requests.map((r) => r.bucket))], ['logs'])
    sim.resetLog()
    await fullSync(sim, { resources: ['groups'] }, { resources: new Set() })
    assert.deepEqual([...new Set(sim.requests.map((r) => r.bucket))], ['groups'])
  })
})

test('a single widget filter is pushed down; two specs are not', async () => {
  await withSim(ORG, async (sim) => {
    const one = { okta_user: [{ filter: [{ field: 'status', op: 'eq', value: 'ACTIVE' }] }], okta_group: [{ filter: [{ field: 'type', op: 'eq', value: 'APP_GROUP' }] }] }
    const { storage } = await fullSync(sim, { resources: ['users', 'groups'] }, { fetchSpecs: one })
    assert.equal(byBucket(sim, 'users')[0].query.filter, 'status eq "ACTIVE"')
    assert.equal(byBucket(sim, 'groups')[0].query.filter, 'type eq "APP_GROUP"')
    const users = await storage.queryEntities({ type: 'okta_user' })
    assert.ok(users.length > 0 && users.every((u) => u.attributes.status === 'ACTIVE'))
    sim.resetLog()
    const since = new Date(Date.now() - 3600_000).toISOString()
    await runSync(connectorFor(sim, { resources: ['users'] }).connector, new MemoryStorage(), { mode: 'latest', since, fetchSpecs: one })
    // Never in latest mode: a user who LEFT the status would never be read again.
    assert.equal(byBucket(sim, 'users')[0].query.filter, `lastUpdated gt "${new Date(Date.parse(since) - 600_000).toISOString()}"`)
    sim.resetLog()
    const two = { okta_user: [{ filter: [{ field: 'status', op: 'eq', value: 'ACTIVE' }] }, { filter: [] }] }
    await fullSync(sim, { resources: ['users'] }, { fetchSpecs: two })
    assert.ok(byBucket(sim, 'users')[0].query.filter.includes('DEPROVISIONED'))
  })
})

test('the token is found in settings when the host did not split credentials (difference 1)', async () => {
  await withSim(ORG, async (sim) => {
    const connector = new OktaConnector({ host: 'acme.okta.com', apiToken: sim.token, resources: ['groups'] }, undefined, { baseUrl: sim.url, logger: captureLogger() })
    const run = await runSync(connector, new MemoryStorage(), { mode: 'full' })
    assert.equal(run.done, true)
    assert.equal(sim.requests[0].headers.authorization, 'SSWS <valid>')
  })
})

test('secret references resolve through the secrets resolver, else the environment', async () => {
  await withSim(ORG, async (sim) => {
    const resolver = { resolve: (name) => (name === 'MY_OKTA' ? sim.token : undefined) }
    const a = new OktaConnector({ host: 'acme.okta.com', resources: ['groups'] }, { apiToken: { $secret: 'MY_OKTA' } }, { baseUrl: sim.url, secretsResolver: resolver, logger: captureLogger() })
    assert.equal((await runSync(a, new MemoryStorage(), { mode: 'full' })).done, true)
    process.env.OKTA_JSON_SECRET = sim.token
    try {
      const b = new OktaConnector({ host: 'acme.okta.com', resources: ['groups'] }, { apiToken: { $secret: 'OKTA_JSON_SECRET' } }, { baseUrl: sim.url, logger: captureLogger() })
      assert.equal((await runSync(b, new MemoryStorage(), { mode: 'full' })).done, true)
    } finally {
      delete process.env.OKTA_JSON_SECRET
    }
  })
})

test('chunked syncs yield TypeScript-shaped cursors and resume to identical storage', async () => {
  await withSim(ORG, async (sim) => {
    const { connector } = connectorFor(sim, {}, { chunkBudgetMs: 0 })
    const storage = new MemoryStorage()
    const cursors = []
    const run = await runSync(connector, storage, { mode: 'full' }, { onResult: (r) => r.cursor && cursors.push(r.cursor) })
    assert.equal(run.done, true)
    assert.ok(run.calls > 3, `several chunks (${run.calls})`)
    for (const c of cursors) {
      assert.ok(['users', 'groups', 'auth_events'].includes(c.phase))
      assert.ok(c.page === null || typeof c.page === 'string')
    }
    assert.deepEqual(await stored(storage), expectedRecords(sim.org))
  })
})

test('a cursor written by the TypeScript package resumes: earlier phases skipped, page followed', async () => {
  await withSim(ORG, async (sim) => {
    const { storage: reference } = await fullSync(sim)
    const all = await stored(reference)
    sim.resetLog()
    // The TypeScript package's cursor: the groups phase at its start.
    const { connector } = connectorFor(sim)
    const storage = new MemoryStorage()
    await runSync(connector, storage, { mode: 'full', cursor: { phase: 'groups', page: null } })
    assert.equal(byBucket(sim, 'users').length, 0, 'users phase skipped')
    const got = await stored(storage)
    assert.deepEqual(got.groups, all.groups)
    assert.deepEqual(got.events, all.events)
    // Mid-phase: a next-page URL of the users phase.
    sim.resetLog()
    const page = `${sim.url}/api/v1/users?limit=200&after=${[...sim.org.users()][199].id}`
    const s2 = new MemoryStorage()
    await runSync(connectorFor(sim).connector, s2, { mode: 'full', cursor: { phase: 'users', page, spec: 0 } })
    assert.equal(byBucket(sim, 'users')[0].rawUrl, page.slice(sim.url.length))
    assert.equal(s2.calls.filter((c) => c.types?.[0] === 'okta_user').length, 0, 'no clear when resuming mid-phase')
  })
})

test('an invalid cursor is ignored with a warning and the sync starts over', async () => {
  await withSim(ORG, async (sim) => {
    for (const cursor of [{ phase: 'members', page: null }, { phase: 'users', page: 'https://evil.example/api/v1/users' }, 'garbage']) {
      sim.resetLog()
      const { connector, logger } = connectorFor(sim)
      const storage = new MemoryStorage()
      const run = await runSync(connector, storage, { mode: 'full', cursor })
      assert.equal(run.done, true)
      assert.equal(logger.named('cursor ignored').length, 1)
      assert.ok(sim.requests.every((r) => r.headers.authorization === 'SSWS <valid>'))
      assert.deepEqual(await stored(storage), expectedRecords(sim.org))
    }
  })
})

test('auth and client errors are thrown; 5xx returns a transientError with a cursor', async () => {
  await withSim({ ...ORG, token: 'right' }, async (sim) => {
    const wrong = new OktaConnector({ host: 'acme.okta.com' }, { apiToken: 'wrong-token-value' }, { baseUrl: sim.url, logger: captureLogger() })
    await assert.rejects(
      () => wrong.sync({ mode: 'full' }, new MemoryStorage()),
      (err) =>
        err.kind === 'auth' && err.code === 'OKTA_INVALID_TOKEN' && err.status === 401 && err.errorCode === 'E0000011' && typeof err.requestId === 'string' && !JSON.stringify(err).includes('wrong-token-value') && !err.message.includes('wrong-token-value'),
    )
    // A 403 on the only resource asked for is thrown (one among several is skipped:
    // see the next test).
    sim.setOptions({ forbidden: ['logs'] })
    const { connector } = connectorFor(sim, { resources: ['auth_events'] })
    await assert.rejects(
      () => connector.sync({ mode: 'full' }, new MemoryStorage()),
      (err) => err.kind === 'auth' && err.code === 'OKTA_FORBIDDEN' && err.errorCode === 'E0000006' && err.resource === 'okta_auth_event',
    )
    sim.setOptions({ forbidden: [], faults: [{ type: '503', bucket: 'groups', count: 100 }] })
    const { connector: c2, logger } = connectorFor(sim, { resources: ['groups'] })
    const result = await c2.sync({ mode: 'full' }, new MemoryStorage())
    assert.equal(result.done, false)
    assert.equal(result.transientError.kind, 'upstream_bug')
    assert.equal(result.transientError.code, 'OKTA_SERVER_ERROR')
    assert.equal(result.cursor.phase, 'groups')
    assert.ok(logger.named('fetch page failed').length >= 2, 'each failed attempt is logged')
  })
})

test('logging: a line per page and per resource, cursors cut to 80 characters, no token', async () => {
  await withSim(ORG, async (sim) => {
    const { logger } = await fullSync(sim)
    const pages = logger.named('fetched page')
    assert.equal(pages.length, sim.requests.length)
    for (const p of pages) {
      assert.deepEqual(Object.keys(p.fields).sort(), ['cursor', 'items', 'next', 'page', 'resource'])
      assert.ok(p.fields.cursor.length <= 80)
      assert.ok(p.fields.next === null || p.fields.next.length <= 80)
    }
    const done = logger.named('resource done')
    assert.deepEqual(done.map((d) => d.fields.resource).sort(), ['okta_auth_event', 'okta_group', 'okta_user'])
    const users = done.find((d) => d.fields.resource === 'okta_user')
    assert.equal(users.fields.items, ORG.users)
    assert.ok(!JSON.stringify(logger.events).includes(sim.token))
  })
})

test('records: every absent value is null, never undefined; one entity per id', async () => {
  await withSim(ORG, async (sim) => {
    const { storage } = await fullSync(sim)
    const users = await storage.queryEntities({ type: 'okta_user' })
    assert.equal(new Set(users.map((u) => u.id)).size, users.length)
    const walk = (v) => {
      assert.notEqual(v, undefined)
      if (v && typeof v === 'object') Object.values(v).forEach(walk)
    }
    walk(users)
    walk(storage.eventList)
    assert.ok(users.some((u) => u.attributes.activatedAt === null), 'some STAGED users were never activated')
  })
})

test('an already-aborted signal returns at once with a cursor and makes no request', async () => {
  await withSim(ORG, async (sim) => {
    const { connector } = connectorFor(sim)
    const ac = new AbortController()
    ac.abort()
    const result = await connector.sync({ mode: 'full' }, new MemoryStorage(), ac.signal)
    assert.equal(result.done, false)
    assert.equal(result.cursor.phase, 'users')
    assert.equal(sim.requests.length, 0)
  })
})

test('a 403 on one resource skips it with a warning naming the permission; the others finish', async () => {
  await withSim({ ...ORG, forbidden: ['groups'] }, async (sim) => {
    const { connector, logger } = connectorFor(sim)
    const storage = new MemoryStorage()
    const run = await runSync(connector, storage, { mode: 'full' })
    assert.equal(run.done, true)
    const [skipped] = logger.named('resource skipped')
    assert.equal(skipped.level, 'warn')
    assert.equal(skipped.fields.resource, 'okta_group')
    assert.match(skipped.fields.missing_permission, /groups/)
    assert.equal(skipped.fields.code, 'OKTA_FORBIDDEN')
    const got = await stored(storage)
    const want = expectedRecords(sim.org)
    assert.equal(got.groups.length, 0)
    assert.deepEqual(got.users, want.users)
    assert.deepEqual(got.events, want.events)
  })
  // Every resource refused: the credential cannot do anything, so it is an auth error.
  await withSim({ ...ORG, forbidden: ['users', 'groups', 'logs'] }, async (sim) => {
    const { connector } = connectorFor(sim)
    await assert.rejects(runSync(connector, new MemoryStorage(), { mode: 'full' }), (err) => err.kind === 'auth' && err.code === 'OKTA_FORBIDDEN')
  })
})

test('a scope replace cut short by an abort heals: the next run, even latest, lists every user again', async () => {
  await withSim(ORG, async (sim) => {
    const storage = new MemoryStorage()
    await runSync(connectorFor(sim).connector, storage, { mode: 'full' })
    sim.org.deleteUser(0)
    // Abort the next full sync right after the replace's first (clearing) batch.
    const controller = new AbortController()
    const inner = storage.guarded(controller.signal)
    const handle = {
      ...inner,
      entities: async (list, scope) => {
        const out = await inner.entities(list, scope)
        if (scope?.types?.includes('okta_user')) controller.abort()
        return out
      },
    }
    const logger = captureLogger()
    const first = await connectorFor(sim, {}, { logger }).connector.sync({ mode: 'full', resources: new Set(['okta_user']) }, handle, controller.signal)
    assert.equal(first.done, false)
    const state = await storage.getEntity('okta_sync_state', 'users')
    assert.equal(state.attributes.replacing, true, 'the cut replace is recorded')
    // The host's next run is latest (its last success is recent): it must still list everything.
    sim.resetLog()
    await runSync(connectorFor(sim, {}, { logger }).connector, storage, { mode: 'latest', since: new Date().toISOString(), resources: new Set(['okta_user']) })
    assert.ok(!byBucket(sim, 'users')[0].query.filter.includes('lastUpdated'), 'a complete listing')
    assert.deepEqual((await stored(storage)).users, expectedRecords(sim.org).users)
    assert.equal((await storage.getEntity('okta_sync_state', 'users')).attributes.replacing, false)
    // The cut replace had already dropped the stale user; the healing listing only refills.
    assert.equal(logger.named('stale records replaced').length, 0)
  })
})
