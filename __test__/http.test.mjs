// The HTTP engine (issue 3): pacing from X-Rate-Limit-*, 429 handling, bounded
// retries, typed errors, cancellation and the token staying home. Assertions read
// the simulator's request log and counters, not the wall clock (except where
// promptness itself is the behaviour under test).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { withSim, connectorFor, fullSync, expectedRecords, stored, MemoryStorage, runSync, OktaConnector, captureLogger } from './helpers.mjs'


const FAST_RETRY = { minDelayMs: 10, maxDelayMs: 50 }

test('pacing: 3L pages under a limit of L per window see no 429 and never more than the allowed share per window', { timeout: 60_000 }, async () => {
  const L = 4
  // 12 pages of 200 users, limit 4 per 1 s window, share 0.5: 2 requests a window.
  await withSim({ users: 200 * 3 * L, groups: 1, events: 1, rateLimits: { users: { limit: L, windowMs: 1000 } } }, async (sim) => {
    const { connector, logger, storage, run } = await fullSync(sim, { resources: ['users'] })
    assert.equal(run.done, true)
    const stats = sim.stats()
    assert.equal(stats.status429, 0)
    assert.equal(stats.byBucket.users.requests, 3 * L)
    assert.ok(stats.byBucket.users.maxInWindow <= L / 2, `max ${stats.byBucket.users.maxInWindow} in a window`)
    assert.ok(connector.stats().waits >= 4)
    const wait = logger.named('rate limit wait')[0]
    assert.deepEqual(Object.keys(wait.fields).sort(), ['remaining', 'reset', 'resource', 'wait_ms'])
    assert.equal(wait.fields.resource, 'okta_user')
    assert.equal((await storage.queryEntities({ type: 'okta_user' })).length, 200 * 3 * L)
  })
})

test('rateLimitShare caps the share of each window', { timeout: 60_000 }, async () => {
  await withSim({ users: 200 * 8, groups: 1, events: 1, rateLimits: { users: { limit: 8, windowMs: 1000 } } }, async (sim) => {
    await fullSync(sim, { resources: ['users'], rateLimitShare: 0.25 })
    const s = sim.stats().byBucket.users
    assert.equal(s.requests, 8)
    assert.ok(s.maxInWindow <= 2, `max ${s.maxInWindow}`)
    assert.equal(sim.stats().status429, 0)
  })
})

test('a 429 storm converges to the same stored records as a clean run', { timeout: 60_000 }, async () => {
  const org = { users: 900, groups: 30, events: 3000, seed: 3, rateLimits: { users: { limit: 100, windowMs: 1000 }, groups: { limit: 100, windowMs: 1000 }, logs: { limit: 100, windowMs: 1000 } } }
  await withSim({ ...org, faults: [{ type: '429', rate: 0.4 }] }, async (sim) => {
    const { connector, storage, run } = await fullSync(sim, {}, {}, { retry: FAST_RETRY })
    assert.equal(run.done, true)
    assert.ok(sim.stats().status429 > 0)
    assert.equal(connector.stats().rateLimited, sim.stats().status429)
    assert.deepEqual(await stored(storage), expectedRecords(sim.org))
  })
})

test('concurrency-limit 429s back off briefly instead of waiting out the estimated reset', { timeout: 30_000 }, async () => {
  await withSim({ users: 300, groups: 5, events: 50, faults: [{ type: 'concurrency429', nth: [1, 2] }] }, async (sim) => {
    const { storage, run, logger } = await fullSync(sim, {}, {}, { retry: FAST_RETRY })
    assert.equal(run.done, true)
    assert.equal(sim.stats().concurrency429, 2)
    const waits = logger.named('fetch page failed').map((e) => e.fields.retry_in_ms)
    assert.ok(waits.every((ms) => ms < 1000), `backoff waits ${waits}`)
    assert.deepEqual(await stored(storage), expectedRecords(sim.org))
  })
})

test('Retry-After wins when Okta sends it', { timeout: 30_000 }, async () => {
  await withSim({ users: 10, groups: 1, events: 1, retryAfter: 1, faults: [{ type: '429', bucket: 'users', nth: [1] }] }, async (sim) => {
    const { logger, run } = await fullSync(sim, { resources: ['users'] })
    assert.equal(run.done, true)
    assert.equal(logger.named('fetch page failed')[0].fields.retry_in_ms, 1000)
    assert.equal(logger.named('rate limit wait')[0].fields.wait_ms, 1000)
  })
})

for (const type of ['500', '502', '503', '504', 'reset', 'truncate', 'malformed', 'html']) {
  test(`a ${type} is retried with backoff and the sync completes`, async () => {
    await withSim({ users: 450, groups: 3, events: 20, faults: [{ type, bucket: 'users', nth: [2, 3] }] }, async (sim) => {
      const { connector, storage, run } = await fullSync(sim, { resources: ['users'] }, {}, { retry: FAST_RETRY })
      assert.equal(run.done, true)
      assert.equal(connector.stats().retries, 2)
      assert.equal(sim.requests.length, 5, 'three pages, two retried')
      assert.deepEqual((await stored(storage)).users, expectedRecords(sim.org).users)
    })
  })
}

test('retries are bounded: a page failing every attempt returns a transientError after 4 attempts', async () => {
  await withSim({ users: 50, groups: 1, events: 1, faults: [{ type: '502', bucket: 'users' }] }, async (sim) => {
    const { connector } = connectorFor(sim, { resources: ['users'] }, { retry: FAST_RETRY })
    const result = await connector.sync({ mode: 'full' }, new MemoryStorage())
    assert.equal(result.done, false)
    assert.equal(result.transientError.code, 'OKTA_SERVER_ERROR')
    assert.equal(result.transientError.status, 502)
    assert.equal(result.transientError.resource, 'okta_user')
    assert.ok(result.transientError.requestId)
    assert.equal(sim.requests.length, 4)
    assert.equal(result.cursor.phase, 'users')
  })
})

for (const [name, opts, code, kind, status] of [
  ['401', { token: 'other' }, 'OKTA_INVALID_TOKEN', 'auth', 401],
  ['403', { forbidden: ['users'] }, 'OKTA_FORBIDDEN', 'auth', 403],
]) {
  test(`a ${name} is never retried and is thrown as ${code}`, async () => {
    await withSim({ users: 50, groups: 1, events: 1, ...opts }, async (sim) => {
      const c = new OktaConnector({ host: 'acme.okta.com', resources: ['users'] }, { apiToken: 'test-token' }, { baseUrl: sim.url, logger: captureLogger(), retry: FAST_RETRY })
      await assert.rejects(() => c.sync({ mode: 'full' }, new MemoryStorage()), (err) => err.code === code && err.kind === kind && err.status === status && /Okta|token/.test(err.message))
      assert.equal(sim.requests.length, 1)
    })
  })
}

test('a 400 from Okta is a client_bug error carrying errorCode, summary and causes', async () => {
  const server = http.createServer((req, res) => {
    res.writeHead(400, { 'content-type': 'application/json', 'x-okta-request-id': 'req-400' })
    res.end(JSON.stringify({ errorCode: 'E0000031', errorSummary: 'Invalid search criteria.', errorCauses: [{ errorSummary: 'bad filter' }] }))
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  try {
    const c = new OktaConnector({ host: 'acme.okta.com', resources: ['users'] }, { apiToken: 'tok' }, { baseUrl: `http://127.0.0.1:${server.address().port}`, logger: captureLogger() })
    await assert.rejects(
      () => c.sync({ mode: 'full' }, new MemoryStorage()),
      (err) => err.code === 'OKTA_BAD_REQUEST' && err.kind === 'client_bug' && err.errorCode === 'E0000031' && err.errorSummary === 'Invalid search criteria.' && err.errorCauses[0] === 'bad filter' && err.requestId === 'req-400' && err.message.includes('req-400'),
    )
  } finally {
    server.close()
  }
})

test('a slow response times out and is retried', { timeout: 30_000 }, async () => {
  await withSim({ users: 20, groups: 1, events: 1, faults: [{ type: 'slow', bucket: 'users', nth: [1], delayMs: 10_000 }] }, async (sim) => {
    const { connector, logger, run } = await fullSync(sim, { resources: ['users'], requestTimeoutMs: 1000 }, {}, { retry: FAST_RETRY })
    assert.equal(run.done, true)
    assert.equal(logger.named('fetch page failed')[0].fields.code, 'OKTA_TIMEOUT')
    assert.equal(connector.stats().retries, 1)
  })
})

test('an abort mid-request returns promptly with a cursor that resumes to identical storage', { timeout: 30_000 }, async () => {
  await withSim({ users: 600, groups: 10, events: 2500, latencyMs: 1500 }, async (sim) => {
    const { connector } = connectorFor(sim)
    const storage = new MemoryStorage()
    const ac = new AbortController()
    const started = Date.now()
    setTimeout(() => ac.abort(), 300)
    const first = await connector.sync({ mode: 'full' }, storage.guarded(ac.signal), ac.signal)
    const elapsed = Date.now() - started
    assert.equal(first.done, false)
    assert.ok(elapsed < 1200, `returned ${elapsed} ms after start, before the 1500 ms response`)
    assert.equal(first.cursor.phase, 'users')
    const rest = await runSync(connectorFor(sim).connector, storage, { mode: 'full', cursor: first.cursor })
    assert.equal(rest.done, true)
    assert.deepEqual(await stored(storage), expectedRecords(sim.org))
  })
})

test('a redirect is never followed, so the token cannot leave the configured origin', async () => {
  let evilHits = 0
  const evil = http.createServer((req, res) => {
    evilHits++
    res.end('[]')
  })
  await new Promise((r) => evil.listen(0, '127.0.0.1', r))
  const redirector = http.createServer((req, res) => {
    res.writeHead(302, { location: `http://127.0.0.1:${evil.address().port}${req.url}` })
    res.end()
  })
  await new Promise((r) => redirector.listen(0, '127.0.0.1', r))
  try {
    const c = new OktaConnector({ host: 'acme.okta.com' }, { apiToken: 'tok-redirect' }, { baseUrl: `http://127.0.0.1:${redirector.address().port}`, logger: captureLogger() })
    await assert.rejects(() => c.sync({ mode: 'full' }, new MemoryStorage()), (err) => err.code === 'OKTA_REDIRECT_REFUSED' && err.kind === 'client_bug')
    assert.equal(evilHits, 0)
  } finally {
    redirector.close()
    evil.close()
  }
})

test('an upstream echoing the token gets it redacted from errors and logs', async () => {
  const token = 'tok-echo-123456'
  const server = http.createServer((req, res) => {
    res.writeHead(400, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ errorCode: 'E0000001', errorSummary: `bad ${req.headers.authorization}`, errorCauses: [{ errorSummary: req.headers.authorization }] }))
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  try {
    const logger = captureLogger()
    const c = new OktaConnector({ host: 'acme.okta.com', resources: ['users'] }, { apiToken: token }, { baseUrl: `http://127.0.0.1:${server.address().port}`, logger })
    const err = await c.sync({ mode: 'full' }, new MemoryStorage()).catch((e) => e)
    assert.equal(err.code, 'OKTA_BAD_REQUEST')
    assert.ok(!JSON.stringify(err).includes(token) && !err.message.includes(token) && !String(err.stack).includes(token))
    assert.ok(!JSON.stringify(logger.events).includes(token))
  } finally {
    server.close()
  }
})

test('an oversized body is refused as OKTA_BAD_RESPONSE, not buffered without bound', { timeout: 30_000 }, async () => {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    const chunk = Buffer.alloc(1024 * 1024, 0x20)
    let sent = 0
    const pump = () => {
      while (sent < 70 && res.write(chunk)) sent++
      if (sent < 70) res.once('drain', pump)
      else res.end()
    }
    pump()
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  try {
    const c = new OktaConnector({ host: 'acme.okta.com', resources: ['users'] }, { apiToken: 'tok' }, { baseUrl: `http://127.0.0.1:${server.address().port}`, logger: captureLogger() })
    const result = await c.sync({ mode: 'full' }, new MemoryStorage())
    assert.equal(result.transientError.code, 'OKTA_BAD_RESPONSE')
    assert.match(result.transientError.message, /larger than/)
  } finally {
    server.close()
  }
})

test('an unreachable host is a transient OKTA_NETWORK error naming the host', async () => {
  const c = new OktaConnector({ host: 'acme.okta.com', resources: ['users'] }, { apiToken: 'tok' }, { baseUrl: 'http://127.0.0.1:1', logger: captureLogger(), retry: { ...FAST_RETRY, maxAttempts: 2 } })
  const result = await c.sync({ mode: 'full' }, new MemoryStorage())
  assert.equal(result.transientError.code, 'OKTA_NETWORK')
  assert.equal(result.transientError.kind, 'transient')
  assert.match(result.transientError.message, /Could not connect to 127\.0\.0\.1/)
})

test('stats count requests, retries, 429s and bytes', async () => {
  await withSim({ users: 450, groups: 3, events: 20, faults: [{ type: '500', bucket: 'users', nth: [1] }] }, async (sim) => {
    const { connector } = await fullSync(sim, {}, {}, { retry: FAST_RETRY })
    const s = connector.stats()
    assert.equal(s.requests, sim.stats().requests)
    assert.equal(s.retries, 1)
    assert.ok(s.bytes > 10_000)
    assert.equal(s.pages, s.requests - 1)
    assert.deepEqual(Object.keys(s.rateLimit).sort(), ['groups', 'logs', 'users'])
    assert.equal(s.rateLimit.users.limit, 600)
    assert.ok(s.rateLimit.logs.remaining < 120 && s.rateLimit.logs.reset > Date.now() / 1000)
  })
})
