// A hostile Okta: pages with missing, null, wrongly typed, huge and deeply nested
// fields, duplicate ids, bad timestamps and non-object items; Link headers, cursors
// and redirects steering elsewhere. A second server records anything that reaches
// it: nothing ever must. Expected records are written by hand from spec section 4
// (README, Security: a wrongly typed field is read as null).
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import util from 'node:util'
import { OktaConnector } from '../src/js/index.mjs'
import { MemoryStorage, runSync } from '../src/js/host.mjs'
import { captureLogger } from './helpers.mjs'

// The hand-made server below ignores since/until, so these tests use handles without
// getEntity: the single Link chain per phase. The System Log backfill has its own
// hostile cases (corrupt, foreign and future state records) in backfill.test.mjs.
const TOKEN = 'hostileTOKEN-0123456789abcdef'
const MB = 1 << 20

// ---- servers

async function listen(handler) {
  const requests = []
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, headers: req.headers })
    handler(req, res)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  return { server, port, origin: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => {
      server.close(r)
      // The client's pooled keep-alive connections: not ours to wait for.
      server.closeAllConnections()
    }) }
}

// The second server: records every request (the recording is the assertion).
const evil = await listen((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end('[]')
})

// The hostile Okta. `route(url, req)` returns { status?, headers?, body } per request.
let route = () => ({ status: 404, body: '{}' })
const okta = await listen((req, res) => {
  const url = new URL(req.url, okta.origin)
  let reply
  try {
    reply = route(url, req)
  } catch (err) {
    reply = { status: 500, body: JSON.stringify({ errorSummary: String(err) }) }
  }
  const headers = {
    'content-type': 'application/json',
    // Garbage rate-limit headers: ignored, never a stall.
    'x-rate-limit-limit': 'lots',
    'x-rate-limit-remaining': '-3',
    'x-rate-limit-reset': 'soon',
    ...reply.headers,
  }
  res.writeHead(reply.status ?? 200, headers)
  res.end(reply.body)
})

after(async () => {
  assert.deepEqual(evil.requests, [], 'nothing may ever reach the second server')
  await okta.close()
  await evil.close()
})

const logger = captureLogger

function connector(log, settings = {}) {
  return new OktaConnector({ host: 'acme.okta.com', ...settings }, { apiToken: TOKEN }, { baseUrl: okta.origin, logger: log, retry: { minDelayMs: 5, maxDelayMs: 20 } })
}

/** No request carried anything but our SSWS token, and all stayed on the okta server. */
function assertRequestsClean(requests) {
  for (const r of requests) {
    assert.equal(r.method, 'GET')
    assert.equal(r.headers.authorization, `SSWS ${TOKEN}`)
  }
  assert.deepEqual(evil.requests, [])
}

function assertNoToken(what, value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  assert.ok(!text.includes(TOKEN), `${what} contains the token`)
}

// ---- hostile data

/** A JSON body from items; `raw(text)` items are spliced in verbatim. */
class Raw {
  constructor(text) {
    this.text = text
  }
}
const raw = (text) => new Raw(text)
const body = (items) => `[${items.map((i) => (i instanceof Raw ? i.text : JSON.stringify(i))).join(',')}]`

/** A value nested `n` levels deep. */
function deep(n) {
  let v = 'bottom'
  for (let i = 0; i < n; i++) v = i % 2 ? { a: v } : [v]
  return v
}

const HUGE_ASCII = 'a'.repeat(MB)
const HUGE_UNICODE = 'é😀\u2028"\\'.repeat(Math.floor(MB / 10))
const HUGE_ID = 'u'.repeat(MB)
const T0 = 1704067200000 // 2024-01-01T00:00:00.000Z
const DAY = 86400000

const USERS_PAGE_1 = [
  {
    id: 'u1',
    status: 'ACTIVE',
    created: '2024-01-01T00:00:00.000Z',
    activated: '2024-01-02',
    statusChanged: '2024-01-03T00:00:00.000Z',
    lastLogin: '2024-01-01T01:00:00+01:00',
    lastUpdated: '2024-01-03T00:00:00.000Z',
    profile: { email: 'a@x.com', login: 'a@x.com', firstName: 'Ünïcödé 😀', lastName: 'O\'Brien "q" \\ \u2028\u0000', extra: [1] },
    _links: { self: { href: 'https://evil.example/' } },
  },
  { id: 'u2', status: 5, created: ['2024-01-01T00:00:00.000Z'], activated: { at: '2024-01-01' }, statusChanged: true, lastLogin: 123456, lastUpdated: null, profile: { email: ['a'], login: { l: 1 }, firstName: 7, lastName: null } },
  // A wrongly typed lastUpdated is null, so the first present is created.
  { id: 'u3', lastUpdated: T0, statusChanged: null, created: '2024-01-02T00:00:00.000Z', profile: 'not an object' },
  // The first present (lastUpdated) does not parse: 0, even though created does.
  { id: 'u4', status: 'STAGED', lastUpdated: 'not a date', created: '2024-01-01T00:00:00.000Z', lastLogin: '2024-13-45T00:00:00Z', activated: '', profile: ['array'] },
  { id: 'u5', status: HUGE_ASCII, profile: { firstName: HUGE_ASCII, lastName: HUGE_UNICODE, email: deep(100), login: deep(3) }, junk: deep(100) },
  { id: HUGE_ID, status: 'ACTIVE' },
  raw('{"id":"__proto__","status":"ACTIVE","profile":{"__proto__":{"email":"polluted"},"email":"p@x.com"},"constructor":{"prototype":{"x":1}}}'),
  // Skipped: duplicates, no usable id, not objects.
  { id: 'u1', status: 'DUPLICATE' },
  { id: HUGE_ID, status: 'DUPLICATE' },
  { status: 'ACTIVE', profile: { email: 'noid@x.com' } },
  { id: '', status: 'ACTIVE' },
  { id: 42 },
  { id: null },
  { id: ['u9'] },
  42,
  'user',
  null,
  [{ id: 'u6' }],
  true,
]
const USERS_PAGE_1_SKIPPED = 12

const USERS_PAGE_2 = [{ id: 'u8', status: 'SUSPENDED', profile: { email: 'e@x.com' }, lastUpdated: '2024-01-02T00:00:00Z' }]

const nullUser = { status: null, email: null, login: null, firstName: null, lastName: null, lastLogin: null, createdAt: null, activatedAt: null }
const EXPECTED_USERS = [
  {
    type: 'okta_user',
    id: 'u1',
    attributes: { status: 'ACTIVE', email: 'a@x.com', login: 'a@x.com', firstName: 'Ünïcödé 😀', lastName: 'O\'Brien "q" \\ \u2028\u0000', lastLogin: T0, createdAt: T0, activatedAt: T0 + DAY },
    updated_at: T0 + 2 * DAY,
  },
  { type: 'okta_user', id: 'u2', attributes: { ...nullUser }, updated_at: 0 },
  { type: 'okta_user', id: 'u3', attributes: { ...nullUser, createdAt: T0 + DAY }, updated_at: T0 + DAY },
  { type: 'okta_user', id: 'u4', attributes: { ...nullUser, status: 'STAGED', createdAt: T0 }, updated_at: 0 },
  { type: 'okta_user', id: 'u5', attributes: { ...nullUser, status: HUGE_ASCII, firstName: HUGE_ASCII, lastName: HUGE_UNICODE }, updated_at: 0 },
  { type: 'okta_user', id: HUGE_ID, attributes: { ...nullUser, status: 'ACTIVE' }, updated_at: 0 },
  { type: 'okta_user', id: '__proto__', attributes: { ...nullUser, status: 'ACTIVE', email: 'p@x.com' }, updated_at: 0 },
  { type: 'okta_user', id: 'u8', attributes: { ...nullUser, status: 'SUSPENDED', email: 'e@x.com' }, updated_at: T0 + DAY },
]

const GROUPS_PAGE_1 = [
  { id: 'g1', type: 'OKTA_GROUP', created: '2024-01-01T00:00:00.000Z', lastUpdated: '2024-01-02T00:00:00.000Z', lastMembershipUpdated: '2024-01-03T00:00:00.000Z', profile: { name: 'Everyone', description: 'All users' } },
  { id: 'g2', type: ['APP_GROUP'], created: {}, lastUpdated: false, lastMembershipUpdated: '2024-01-03T00:00:00.000Z', profile: { name: 12, description: { text: 'd' } } },
  { id: 'g3', profile: { name: HUGE_UNICODE, description: deep(100) }, lastMembershipUpdated: 'never' },
  { id: 'g1', type: 'DUPLICATE' },
  { type: 'OKTA_GROUP' },
  'group',
]
const nullGroup = { name: null, description: null, type: null, createdAt: null, lastMembershipUpdatedAt: null, usersCount: null, appsCount: null }
const EXPECTED_GROUPS = [
  { type: 'okta_group', id: 'g1', attributes: { name: 'Everyone', description: 'All users', type: 'OKTA_GROUP', createdAt: T0, lastMembershipUpdatedAt: T0 + 2 * DAY, usersCount: null, appsCount: null }, updated_at: T0 + DAY },
  { type: 'okta_group', id: 'g2', attributes: { ...nullGroup, lastMembershipUpdatedAt: T0 + 2 * DAY }, updated_at: T0 + 2 * DAY },
  { type: 'okta_group', id: 'g3', attributes: { ...nullGroup, name: HUGE_UNICODE }, updated_at: 0 },
]

const LOGS_PAGE_1 = [
  {
    uuid: 'e1',
    published: '2024-01-01T00:00:00.000Z',
    eventType: 'user.session.start',
    outcome: { result: 'SUCCESS', reason: null },
    actor: { id: 'u1', type: 'User', displayName: 'A 😀' },
    authenticationContext: { authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialProvider: 'OKTA_CREDENTIAL_PROVIDER', credentialType: 'PASSWORD' },
    client: { ipAddress: '1.2.3.4', geographicalContext: { country: 'France' }, userAgent: { browser: 'CHROME' } },
    severity: 'INFO',
    displayMessage: 'User login to Okta',
  },
  { uuid: 'e2', published: '2024-01-01T00:00:01.000Z', eventType: 7, outcome: 'SUCCESS', actor: [{ id: 'u1' }], authenticationContext: null, client: { ipAddress: 5, geographicalContext: 'FR', userAgent: { browser: {} } }, severity: ['WARN'], displayMessage: deep(100) },
  { uuid: 'e3', published: 'yesterday' },
  { uuid: 'e4' },
  { uuid: 'e5', published: T0 },
  { uuid: 'e1', published: '2024-01-01T00:00:00.000Z', eventType: 'duplicate' },
  { published: '2024-01-01T00:00:02+00:00', eventType: 'user.authentication.sso' },
  { uuid: 99, published: '2024-01-01T00:00:03.000Z', outcome: { result: 'FAILURE', reason: HUGE_UNICODE } },
  { uuid: 'e9', published: '2024-01-01T00:00:04.000Z', displayMessage: HUGE_ASCII, eventType: 'user.account.lock', client: { geographicalContext: { country: deep(100) } } },
  'event',
  null,
  12,
]
const nullEvent = {
  eventType: null,
  result: null,
  reason: null,
  actorId: null,
  actorType: null,
  actorDisplayName: null,
  authenticationProvider: null,
  credentialProvider: null,
  credentialType: null,
  ipAddress: null,
  country: null,
  browser: null,
  severity: null,
  displayMessage: null,
  uuid: null,
}
const event = (start_ts, attributes) => ({ name: 'okta_auth_event', start_ts, end_ts: null, attributes: { ...nullEvent, ...attributes } })
const EXPECTED_EVENTS = [
  event(T0, {
    eventType: 'user.session.start',
    result: 'SUCCESS',
    actorId: 'u1',
    actorType: 'User',
    actorDisplayName: 'A 😀',
    authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER',
    credentialProvider: 'OKTA_CREDENTIAL_PROVIDER',
    credentialType: 'PASSWORD',
    ipAddress: '1.2.3.4',
    country: 'France',
    browser: 'CHROME',
    severity: 'INFO',
    displayMessage: 'User login to Okta',
    uuid: 'e1',
  }),
  event(T0 + 1000, { uuid: 'e2' }),
  event(T0 + 2000, { eventType: 'user.authentication.sso' }),
  event(T0 + 3000, { result: 'FAILURE', reason: HUGE_UNICODE }),
  event(T0 + 4000, { uuid: 'e9', displayMessage: HUGE_ASCII, eventType: 'user.account.lock' }),
]

const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

function hostileRoute(url) {
  const after = url.searchParams.get('after')
  const here = `${okta.origin}${url.pathname}`
  switch (url.pathname) {
    case '/api/v1/users':
      if (after === null) {
        return {
          headers: {
            link: [
              `<http://127.0.0.1:${evil.port}/api/v1/users?after=p2>; rel="self"`,
              `<${here}?after=p2&x=a,b;c=d>; title="a, <b>; c"; rel="next", <${here}?after=zz>; rel="last"`,
            ],
          },
          body: body(USERS_PAGE_1),
        }
      }
      if (after === 'p2') {
        // Another origin: dropped, the phase ends.
        return { headers: { link: `<http://127.0.0.1:${evil.port}/api/v1/users?after=p3>; rel="next"` }, body: body(USERS_PAGE_2) }
      }
      break
    case '/api/v1/groups':
      // A relative next link: dropped, the phase ends.
      if (after === null) return { headers: { link: '</api/v1/groups?after=g2>; rel="next"' }, body: body(GROUPS_PAGE_1) }
      break
    case '/api/v1/logs':
      if (after === null) return { headers: { link: `<${here}?after=l2>; rel="next"` }, body: body(LOGS_PAGE_1) }
      // The System Log always links a next page; the empty page ends the phase.
      if (after === 'l2') return { headers: { link: `<${here}?after=l3>; rel="next"` }, body: '[]' }
      break
  }
  return { status: 500, body: JSON.stringify({ errorSummary: `unexpected request ${url.pathname}?${url.searchParams}` }) }
}

// ---- tests

test('hostile pages: every mappable record stored per spec, the rest skipped with a warning, nothing leaves the origin', { timeout: 20_000 }, async () => {
  route = hostileRoute
  okta.requests.length = 0
  const log = logger()
  const c = connector(log)
  const storage = new MemoryStorage({ getEntity: false })
  const run = await runSync(c, storage, { mode: 'full' })
  assert.equal(run.done, true, JSON.stringify(run.results.map((r) => r.transientError?.message)))

  assert.deepEqual((await storage.queryEntities({ type: 'okta_user' })).sort(byId), [...EXPECTED_USERS].sort(byId))
  assert.deepEqual((await storage.queryEntities({ type: 'okta_group' })).sort(byId), EXPECTED_GROUPS)
  const events = await storage.queryEvents({ name: 'okta_auth_event' })
  assert.deepEqual([...events].sort((a, b) => a.start_ts - b.start_ts), EXPECTED_EVENTS)

  // Requests: two user pages, one group page, two log pages; foreign links never followed.
  const paths = okta.requests.map((r) => new URL(r.url, okta.origin))
  assert.deepEqual(paths.filter((u) => u.pathname === '/api/v1/users').map((u) => u.searchParams.get('after')), [null, 'p2'])
  assert.deepEqual(paths.filter((u) => u.pathname === '/api/v1/groups').map((u) => u.searchParams.get('after')), [null])
  assert.deepEqual(paths.filter((u) => u.pathname === '/api/v1/logs').map((u) => u.searchParams.get('after')), [null, 'l2'])
  assertRequestsClean(okta.requests)

  // Every skipped item is accounted for in a `records skipped` warning.
  const skipped = (resource) =>
    log
      .named('records skipped')
      .filter((e) => e.level === 'warn' && e.fields.resource === resource)
      .flatMap((e) => e.fields.reasons)
      .reduce((n, reason) => n + (Number(/^(\d+) more records skipped$/.exec(reason)?.[1]) || 1), 0)
  assert.equal(skipped('okta_user'), USERS_PAGE_1_SKIPPED)
  assert.equal(skipped('okta_group'), 3)
  assert.equal(skipped('okta_auth_event'), 7)
  const dropped = log.named('next link dropped')
  assert.deepEqual(dropped.map((e) => [e.level, e.fields.resource]).sort(), [
    ['warn', 'okta_group'],
    ['warn', 'okta_user'],
  ])

  assertNoToken('logs', log.events)
  assertNoToken('serializeConfig()', c.serializeConfig())
  assertNoToken('the connector', util.inspect(c, { showHidden: true, depth: 5 }))
  assertNoToken('the connector JSON', c)
  assert.deepEqual(c.serializeConfig(), { host: 'acme.okta.com' })
})

// Known core gap (reported): records.rs puts the whole duplicate id in the reason.

test('log lines stay bounded when ids are huge', { timeout: 20_000 }, async () => {
  route = hostileRoute
  const log = logger()
  await runSync(connector(log, { resources: ['users'] }), new MemoryStorage({ getEntity: false }), { mode: 'full' })
  for (const e of log.events) {
    const size = JSON.stringify(e).length
    assert.ok(size < 16 * 1024, `${e.event} logged ${size} characters`)
  }
})

const FOREIGN_NEXT_LINKS = [
  ['another origin', () => `http://127.0.0.1:${evil.port}/api/v1/groups?after=2`],
  ['another host name for the same server', () => `http://localhost:${okta.port}/api/v1/groups?after=2`],
  ['an IPv6-mapped spelling of the host', () => `http://[::ffff:127.0.0.1]:${okta.port}/api/v1/groups?after=2`],
  ['the configured host instead of the base URL', () => 'https://acme.okta.com/api/v1/groups?after=2'],
  ['another scheme', () => `https://127.0.0.1:${okta.port}/api/v1/groups?after=2`],
  ['another path', () => `${okta.origin}/api/v1/users?after=2`],
  ['a dot-segment escape', () => `${okta.origin}/api/v1/groups/../users?after=2`],
  ['an encoded dot-segment escape', () => `${okta.origin}/api/v1/groups/%2e%2e/users?after=2`],
  ['a backslash escape', () => `${okta.origin}/api/v1/groups\\..\\users?after=2`],
  ['userinfo', () => `http://user:pw@127.0.0.1:${okta.port}/api/v1/groups?after=2`],
  ['the origin as userinfo', () => `http://127.0.0.1:${okta.port}@127.0.0.1:${evil.port}/api/v1/groups?after=2`],
  ['a backslash before the userinfo', () => `http://127.0.0.1:${evil.port}\\@127.0.0.1:${okta.port}/api/v1/groups?after=2`],
  ['a fragment', () => `${okta.origin}/api/v1/groups?after=2#x`],
  ['javascript:', () => `javascript:fetch('http://127.0.0.1:${evil.port}/')`],
  ['data:', () => 'data:application/json,[]'],
  ['a relative URL', () => '/api/v1/groups?after=2'],
  ['a scheme-relative URL', () => `//127.0.0.1:${evil.port}/api/v1/groups?after=2`],
]

for (const [name, link] of FOREIGN_NEXT_LINKS) {
  test(`a next link to ${name} is dropped and the phase ends`, async () => {
    route = (url) => {
      if (url.pathname === '/api/v1/groups' && !url.searchParams.has('after')) {
        return {
          headers: { link: [`<${okta.origin}/api/v1/groups?limit=200>; rel="self"`, `<${link()}>; rel="next"`] },
          body: body([{ id: 'g1', profile: { name: 'Everyone' } }]),
        }
      }
      return { status: 500, body: '{}' }
    }
    okta.requests.length = 0
    const log = logger()
    const storage = new MemoryStorage({ getEntity: false })
    const run = await runSync(connector(log, { resources: ['groups'] }), storage, { mode: 'full' })
    assert.equal(run.done, true)
    assert.equal(okta.requests.length, 1)
    assertRequestsClean(okta.requests)
    assert.deepEqual(
      (await storage.queryEntities({ type: 'okta_group' })).map((g) => g.id),
      ['g1'],
    )
    assert.equal(log.named('next link dropped').length, 1)
    assertNoToken('logs', log.events)
  })
}

// A small, well-formed org for the cursor tests.
function smallRoute(url) {
  const after = url.searchParams.get('after')
  const here = `${okta.origin}${url.pathname}`
  if (url.pathname === '/api/v1/users' && after === null) return { body: body([{ id: 'u1', status: 'ACTIVE' }]) }
  if (url.pathname === '/api/v1/groups' && after === null) return { body: body([{ id: 'g1', type: 'OKTA_GROUP' }]) }
  if (url.pathname === '/api/v1/logs' && after === null) return { headers: { link: `<${here}?after=l2>; rel="next"` }, body: body([{ uuid: 'e1', published: '2024-01-01T00:00:00.000Z' }]) }
  if (url.pathname === '/api/v1/logs' && after === 'l2') return { headers: { link: `<${here}?after=l2>; rel="next"` }, body: '[]' }
  return { status: 500, body: '{}' }
}

const CRAFTED_CURSORS = [
  ['an evil origin carrying the token', () => ({ phase: 'users', page: `http://127.0.0.1:${evil.port}/api/v1/users?token=${TOKEN}` })],
  ['an evil origin (groups)', () => ({ phase: 'groups', page: `http://127.0.0.1:${evil.port}/api/v1/groups?after=x` })],
  ['an evil origin (auth_events)', () => ({ phase: 'auth_events', page: `http://127.0.0.1:${evil.port}/api/v1/logs?after=x`, spec: 0 })],
  ['the token as userinfo on the origin', () => ({ phase: 'users', page: `http://${TOKEN}@127.0.0.1:${okta.port}/api/v1/users?after=x` })],
  ['the token on another path', () => ({ phase: 'users', page: `${okta.origin}/api/v1/groups?after=${TOKEN}` })],
  ['the token in a fragment', () => ({ phase: 'users', page: `${okta.origin}/api/v1/users?after=x#${TOKEN}` })],
  ['javascript:', () => ({ phase: 'users', page: `javascript:fetch('http://127.0.0.1:${evil.port}/?t=${TOKEN}')` })],
  ['a relative page', () => ({ phase: 'users', page: `/api/v1/users?after=${TOKEN}` })],
  ['the origin as userinfo', () => ({ phase: 'users', page: `http://127.0.0.1:${okta.port}@127.0.0.1:${evil.port}/api/v1/users?after=x` })],
  ['per-phase state on an evil origin', () => ({ phase: 'users', page: null, v: 2, phases: { users: { page: `http://127.0.0.1:${evil.port}/api/v1/users?after=${TOKEN}`, skip: 0 } } })],
  ['per-phase state with a userinfo trick', () => ({ phase: 'groups', page: null, v: 2, phases: { users: { done: true }, groups: { page: `http://127.0.0.1:${okta.port}@127.0.0.1:${evil.port}/api/v1/groups`, skip: 1 } } })],
  ['the token as the phase', () => ({ phase: TOKEN, page: null })],
  ['the token as a per-phase key', () => ({ phase: 'users', page: null, v: 2, phases: { [TOKEN]: { page: null } } })],
  ['a page that is not a string', () => ({ phase: 'users', page: { href: `http://127.0.0.1:${evil.port}/api/v1/users`, token: TOKEN } })],
  ['a negative spec', () => ({ phase: 'users', page: `http://127.0.0.1:${evil.port}/api/v1/users`, spec: -1 })],
]

const SMALL_EXPECTED = {
  users: [{ type: 'okta_user', id: 'u1', attributes: { ...nullUser, status: 'ACTIVE' }, updated_at: 0 }],
  groups: [{ type: 'okta_group', id: 'g1', attributes: { ...nullGroup, type: 'OKTA_GROUP' }, updated_at: 0 }],
  events: [event(T0, { uuid: 'e1' })],
}

for (const [name, cursor] of CRAFTED_CURSORS) {
  test(`a crafted cursor with ${name} is ignored and the sync starts over`, async () => {
    route = smallRoute
    okta.requests.length = 0
    const log = logger()
    const storage = new MemoryStorage({ getEntity: false })
    const run = await runSync(connector(log), storage, { mode: 'full', cursor: cursor() })
    assert.equal(run.done, true)
    const ignored = log.named('cursor ignored')
    assert.equal(ignored.length, 1, JSON.stringify(log.events.filter((e) => e.level === 'warn')))
    assert.equal(ignored[0].level, 'warn')
    // Started over: every phase from its first page, the full set stored.
    assert.deepEqual(
      okta.requests.map((r) => new URL(r.url, okta.origin)).filter((u) => !u.searchParams.has('after')).map((u) => u.pathname).sort(),
      ['/api/v1/groups', '/api/v1/logs', '/api/v1/users'],
    )
    assert.deepEqual(await storage.queryEntities({ type: 'okta_user' }), SMALL_EXPECTED.users)
    assert.deepEqual(await storage.queryEntities({ type: 'okta_group' }), SMALL_EXPECTED.groups)
    assert.deepEqual(await storage.queryEvents({ name: 'okta_auth_event' }), SMALL_EXPECTED.events)
    assertRequestsClean(okta.requests)
    assertNoToken('logs', log.events)
    for (const r of run.results) assertNoToken('the returned cursor', r.cursor ?? null)
  })
}

test('a cursor page on the origin and path that carries the token never puts the token in the logs', async () => {
  // The page is on the origin and path, so it is not "foreign"; it must not leak
  // into logs either way (ignored, or fetched with the URL redacted from log lines).
  route = (url) => (url.pathname === '/api/v1/users' ? { body: body([{ id: 'u1', status: 'ACTIVE' }]) } : { status: 500, body: '{}' })
  okta.requests.length = 0
  const log = logger()
  const storage = new MemoryStorage({ getEntity: false })
  const run = await runSync(connector(log, { resources: ['users'] }), storage, { mode: 'full', cursor: { phase: 'users', page: `${okta.origin}/api/v1/users?after=${TOKEN}` } })
  assert.equal(run.done, true)
  assertRequestsClean(okta.requests)
  assertNoToken('logs', log.events)
})

for (const status of [301, 303, 307, 308]) {
  for (const [kind, location] of [
    ['another origin', () => `http://127.0.0.1:${evil.port}/api/v1/users?after=2`],
    ['a scheme-relative URL', () => `//127.0.0.1:${evil.port}/api/v1/users?after=2`],
    ['the same origin', () => '/api/v1/users?after=2'],
  ]) {
    test(`a ${status} redirect to ${kind} is never followed`, async () => {
      route = (url) => {
        if (url.pathname === '/api/v1/users' && !url.searchParams.has('after')) {
          return { status, headers: { location: location() }, body: '' }
        }
        return { body: body([{ id: 'u-followed' }]) }
      }
      okta.requests.length = 0
      const log = logger()
      const c = connector(log, { resources: ['users'] })
      const err = await c.sync({ mode: 'full' }, new MemoryStorage({ getEntity: false })).then(
        (r) => r.transientError ?? assert.fail(`sync resolved ${JSON.stringify(r)}`),
        (e) => e,
      )
      assert.equal(err.code, 'OKTA_REDIRECT_REFUSED')
      assert.equal(okta.requests.length, 1)
      assertRequestsClean(okta.requests)
      assertNoToken('the error', { ...err, message: err.message, stack: err.stack })
      assertNoToken('logs', log.events)
    })
  }
}

test('a redirect after the first page is refused too; the pages before it are stored', async () => {
  route = (url) => {
    const here = `${okta.origin}${url.pathname}`
    if (url.searchParams.get('after') === null) return { headers: { link: `<${here}?after=2>; rel="next"` }, body: body([{ id: 'u1' }]) }
    return { status: 307, headers: { location: `http://127.0.0.1:${evil.port}${url.pathname}${url.search}` }, body: '' }
  }
  okta.requests.length = 0
  const storage = new MemoryStorage({ getEntity: false })
  const err = await connector(logger(), { resources: ['users'] })
    .sync({ mode: 'full' }, storage)
    .then(
      (r) => r.transientError ?? assert.fail('resolved'),
      (e) => e,
    )
  assert.equal(err.code, 'OKTA_REDIRECT_REFUSED')
  assert.equal(okta.requests.length, 2)
  assert.deepEqual(
    (await storage.queryEntities({ type: 'okta_user' })).map((u) => u.id),
    ['u1'],
  )
  assertRequestsClean(okta.requests)
})

test('errors from an upstream echoing the token are redacted; serializeConfig never holds it', async () => {
  for (const status of [401, 500]) {
    route = (url, req) => ({
      status,
      headers: { 'www-authenticate': `SSWS realm="${req.headers.authorization}"`, 'x-okta-request-id': req.headers.authorization },
      body: JSON.stringify({ errorCode: 'E0000011', errorSummary: `Invalid token provided: ${req.headers.authorization}`, errorCauses: [{ errorSummary: TOKEN }] }),
    })
    const log = logger()
    const c = connector(log, { resources: ['users'] })
    const outcome = await c.sync({ mode: 'full' }, new MemoryStorage({ getEntity: false })).then(
      (r) => r.transientError,
      (e) => e,
    )
    assert.ok(outcome, `a ${status} yields an error`)
    assertNoToken(`the ${status} error`, { ...outcome, message: outcome.message, stack: outcome.stack })
    assertNoToken(`the ${status} logs`, log.events)
  }
  const plain = connector(logger())
  assertNoToken('serializeConfig()', plain.serializeConfig())
  const ref = new OktaConnector({ host: 'acme.okta.com' }, { apiToken: { $secret: 'OKTA_API_TOKEN' } }, { baseUrl: okta.origin, logger: logger() })
  assert.deepEqual(ref.serializeConfig(), { host: 'acme.okta.com', apiToken: { $secret: 'OKTA_API_TOKEN' } })
})

// ---- Issue 21: poisoned rate-limit state, endless chains, gzip bombs, echoed OAuth secrets.

const YEAR_3000 = '32503680000'
const realWindow = () => ({ 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '599', 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 60) })

/** Runs sync() calls one at a time, timing each. */
async function timedCalls(c, storage, n, options = { mode: 'full' }) {
  const calls = []
  let cursor = null
  for (let i = 0; i < n; i++) {
    const started = Date.now()
    const r = await c.sync({ ...options, cursor }, storage)
    calls.push({ ms: Date.now() - started, result: r })
    cursor = r.cursor ?? null
    if (r.done) break
  }
  return calls
}

test('a reset in the year 3000 cannot stall the sync: every later sync() call honours a 3 s chunk budget', { timeout: 60_000 }, async () => {
  let poisoned = false
  route = (url) => {
    if (url.pathname !== '/api/v1/users') return { status: 500, body: '{}' }
    const here = `${okta.origin}${url.pathname}`
    if (!poisoned) {
      // The first answer claims the window is spent until the year 3000; then normal headers.
      poisoned = true
      return { headers: { 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': YEAR_3000, link: `<${here}?after=p2>; rel="next"` }, body: body([{ id: 'u1' }]) }
    }
    return { headers: realWindow(), body: body([{ id: 'u2' }]) }
  }
  const log = logger()
  const c = new OktaConnector({ host: 'acme.okta.com', resources: ['users'] }, { apiToken: TOKEN }, { baseUrl: okta.origin, logger: log, chunkBudgetMs: 3000 })
  const calls = await timedCalls(c, new MemoryStorage({ getEntity: false }), 3)
  assert.equal(calls.length, 3)
  for (const [i, { ms, result }] of calls.entries()) {
    assert.equal(result.done, false, `call ${i + 1}`)
    assert.ok(result.cursor, `call ${i + 1} returns a cursor`)
    assert.equal(result.transientError, undefined)
    assert.ok(ms < 3000 + 2500, `call ${i + 1} took ${ms} ms (chunk budget 3000)`)
  }
  // The stored window is clamped to a couple of minutes, never the year 3000.
  const reset = c.stats().rateLimit.users.reset * 1000
  assert.ok(reset <= Date.now() + 125_000, `reset stored ${new Date(reset).toISOString()}`)
  assert.ok(log.named('rate limit wait').length >= 3)
})

test('a Retry-After of 999999999 waits no longer than the chunk budget; a reset in the past does not wait', { timeout: 60_000 }, async () => {
  route = (url) => (url.pathname === '/api/v1/users' ? { status: 429, headers: { 'retry-after': '999999999' }, body: JSON.stringify({ errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit' }) } : { status: 500, body: '{}' })
  const c = new OktaConnector({ host: 'acme.okta.com', resources: ['users'] }, { apiToken: TOKEN }, { baseUrl: okta.origin, logger: logger(), chunkBudgetMs: 3000 })
  for (const { ms, result } of await timedCalls(c, new MemoryStorage({ getEntity: false }), 2)) {
    assert.equal(result.done, false)
    assert.ok(ms < 3000 + 2500, `took ${ms} ms`)
  }

  let first = true
  route = (url) => {
    if (url.pathname !== '/api/v1/users') return { status: 500, body: '{}' }
    if (first) {
      first = false
      return { status: 429, headers: { 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '1' }, body: '{}' }
    }
    return { headers: { 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '1' }, body: body([{ id: 'u1' }]) }
  }
  const started = Date.now()
  const storage = new MemoryStorage({ getEntity: false })
  const run = await runSync(new OktaConnector({ host: 'acme.okta.com', resources: ['users'] }, { apiToken: TOKEN }, { baseUrl: okta.origin, logger: logger() }), storage, { mode: 'full' })
  assert.equal(run.done, true)
  assert.ok(Date.now() - started < 3000, 'a reset in the past is no reason to wait')
  assert.deepEqual((await storage.queryEntities({ type: 'okta_user' })).map((u) => u.id), ['u1'])
})

test('a next link that keeps changing ends with a clear error naming the resource, on every later call too', { timeout: 30_000 }, async () => {
  route = (url) => {
    const n = Number(url.searchParams.get('after') ?? 0)
    if (url.pathname !== '/api/v1/groups') return { status: 500, body: '{}' }
    return { headers: { link: `<${okta.origin}/api/v1/groups?after=${n + 1}>; rel="next"` }, body: body([{ id: `g${n}` }]) }
  }
  okta.requests.length = 0
  const c = new OktaConnector({ host: 'acme.okta.com', resources: ['groups'] }, { apiToken: TOKEN }, { baseUrl: okta.origin, logger: logger(), retry: { maxChainPages: 25 } })
  const storage = new MemoryStorage({ getEntity: false })
  const first = await c.sync({ mode: 'full' }, storage)
  assert.equal(first.transientError?.code, 'OKTA_BAD_RESPONSE', JSON.stringify(first))
  assert.equal(first.transientError.resource, 'okta_group')
  assert.match(first.transientError.message, /kept linking more okta_group pages.*after 25 pages/)
  assert.equal(okta.requests.length, 25)
  // Resuming the chain on this client fails again at once, without a request.
  const again = await c.sync({ mode: 'full', cursor: first.cursor }, storage)
  assert.equal(again.transientError?.code, 'OKTA_BAD_RESPONSE')
  assert.equal(okta.requests.length, 25)
})

test('a gzip bomb (64 MiB+ decoded, its trailer claiming 4 GiB or lying small) is a clear error, not an allocation', { timeout: 60_000 }, async () => {
  const zlib = await import('node:zlib')
  const bomb = zlib.gzipSync(Buffer.alloc(70 * MB, 0x20))
  const claimsHuge = Buffer.from(bomb)
  claimsHuge.writeUInt32LE(0xffffffff, claimsHuge.length - 4)
  const claimsSmall = Buffer.from(bomb)
  claimsSmall.writeUInt32LE(64, claimsSmall.length - 4)
  for (const payload of [bomb, claimsHuge, claimsSmall]) {
    route = (url) => (url.pathname === '/api/v1/users' ? { headers: { 'content-encoding': 'gzip' }, body: payload } : { status: 500, body: '{}' })
    okta.requests.length = 0
    const c = connector(logger(), { resources: ['users'] })
    const r = await c.sync({ mode: 'full' }, new MemoryStorage({ getEntity: false }))
    assert.equal(r.transientError?.code, 'OKTA_BAD_RESPONSE', JSON.stringify(r.transientError))
    assert.match(r.transientError.message, /larger than 67108864 bytes once decompressed/)
    assert.equal(okta.requests.length, 1, 'a bomb is not retried')
  }
})

test('a base URL override is announced once in the log', async () => {
  route = smallRoute
  const log = logger()
  const c = connector(log, { resources: ['users'] })
  for (let i = 0; i < 2; i++) await runSync(c, new MemoryStorage({ getEntity: false }), { mode: 'full' })
  const warned = log.named('base url override')
  assert.equal(warned.length, 1)
  assert.equal(warned[0].level, 'warn')
  assert.equal(warned[0].fields.url, okta.origin)
  assert.match(warned[0].fields.reason, /every request goes to this URL instead of https:\/\/acme\.okta\.com/)
})

test('an API echoing the OAuth access token and DPoP proof (padded past every cut) leaks no piece of either', { timeout: 30_000 }, async () => {
  const crypto = await import('node:crypto')
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const ACCESS = `at${crypto.randomBytes(30).toString('base64url')}`
  const proofs = []
  const assertions = []
  const okta2 = http.createServer((req, res) => {
    let raw = ''
    req.on('data', (d) => (raw += d))
    req.on('end', () => {
      if (req.headers.dpop) proofs.push(req.headers.dpop)
      const url = new URL(req.url, 'http://x')
      const echo = `${'p'.repeat(470)}${req.headers.authorization ?? ''} ${req.headers.dpop ?? ''}`
      if (url.pathname === '/oauth2/v1/token') {
        const a = new URLSearchParams(raw).get('client_assertion')
        assertions.push(a)
        res.writeHead(200, { 'content-type': 'application/json' })
        return res.end(JSON.stringify({ access_token: ACCESS, token_type: 'DPoP', expires_in: 3600, scope: 'okta.users.read' }))
      }
      if (!url.searchParams.has('after')) {
        // The next link carries the token and the proof: logged (cut) as the next cursor.
        const next = `http://127.0.0.1:${okta2.address().port}/api/v1/users?after=${'q'.repeat(40)}${ACCESS}.${req.headers.dpop}`
        res.writeHead(200, { 'content-type': 'application/json', link: `<${next}>; rel="next"`, 'x-okta-request-id': echo.slice(280) })
        return res.end(body([{ id: 'u1', profile: { email: echo } }, { id: 'u1' }]))
      }
      res.writeHead(500, { 'content-type': 'application/json', 'x-okta-request-id': echo.slice(280), 'www-authenticate': echo })
      res.end(JSON.stringify({ errorCode: 'E0000009', errorSummary: echo, errorId: echo, errorCauses: [{ errorSummary: echo }] }))
    })
  })
  await new Promise((resolve) => okta2.listen(0, '127.0.0.1', resolve))
  try {
    const log = logger()
    const c = new OktaConnector(
      { host: 'acme.okta.com', resources: ['users'] },
      { oauth: { clientId: '0oa1', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) } },
      { baseUrl: `http://127.0.0.1:${okta2.address().port}`, logger: log, retry: { minDelayMs: 5, maxDelayMs: 10, maxAttempts: 2 } },
    )
    const r = await c.sync({ mode: 'full' }, new MemoryStorage({ getEntity: false }))
    assert.ok(r.transientError, 'the 500 surfaces')
    assert.ok(proofs.length >= 2 && assertions.length === 1)
    const err = r.transientError
    const outputs = [JSON.stringify(err.toJSON()), err.message, err.stack, JSON.stringify(log.events), util.inspect(c, { depth: 5 })]
    for (const secret of [ACCESS, ...proofs, ...assertions]) {
      for (let i = 0; i + 6 <= secret.length; i++) {
        const piece = secret.slice(i, i + 6)
        for (const text of outputs) assert.ok(!text.includes(piece), `a piece (${piece}) of a secret leaked`)
      }
    }
  } finally {
    okta2.close()
    okta2.closeAllConnections()
  }
})

test('a spent rate-limit window with a zero chunk budget does not spin the host through its 1000 calls', { timeout: 30_000 }, async () => {
  // The window resets 3 s from now; the host re-calls at once after each empty call.
  const resetS = Math.ceil(Date.now() / 1000) + 3
  let first = true
  route = (url) => {
    if (url.pathname !== '/api/v1/users') return { status: 500, body: '{}' }
    const headers = { 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': first ? '0' : '500', 'x-rate-limit-reset': String(first ? resetS : resetS + 60) }
    if (first) {
      first = false
      return { status: 429, headers, body: JSON.stringify({ errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit' }) }
    }
    return { headers, body: body([{ id: 'u1' }]) }
  }
  const c = new OktaConnector({ host: 'acme.okta.com', resources: ['users'] }, { apiToken: TOKEN }, { baseUrl: okta.origin, logger: logger(), chunkBudgetMs: 0 })
  const storage = new MemoryStorage({ getEntity: false })
  const run = await runSync(c, storage, { mode: 'full' })
  assert.equal(run.done, true)
  assert.ok(run.calls <= 6, `${run.calls} calls while the window was closed`)
  assert.deepEqual((await storage.queryEntities({ type: 'okta_user' })).map((u) => u.id), ['u1'])
})
