// OAuth 2.0 service-app sign-in (issue 12): private_key_jwt client credentials with
// DPoP against the simulator's authorization server, which verifies every assertion
// and proof with node:crypto. Assertions read the simulator's request log and
// counters: token requests, schemes, nonces, statuses.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { execFile } from 'node:child_process'
import http from 'node:http'
import { withSim, captureLogger, expectedRecords, stored, MemoryStorage, runSync, OktaConnector, fullSync } from './helpers.mjs'
import { configFields, validateConfig, checkConfig } from '../src/js/index.mjs'
import { instantiateConnector } from '../src/js/host.mjs'

const CLIENT_ID = '0oaSERVICEAPP1'
const ALL_SCOPES = ['okta.users.read', 'okta.groups.read', 'okta.logs.read']
const FAST_RETRY = { minDelayMs: 10, maxDelayMs: 50 }

function makeKey(kind) {
  const { privateKey, publicKey } = kind === 'rsa'
    ? crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
    : crypto.generateKeyPairSync('ec', { namedCurve: kind === 'ec' ? 'P-256' : kind })
  return { pem: privateKey.export({ type: 'pkcs8', format: 'pem' }), jwk: privateKey.export({ format: 'jwk' }), publicKey }
}
const RSA = makeKey('rsa')
const EC = makeKey('ec')

/** Simulator options with one service app registered for `key`. */
function oauthOrg(key, client = {}, oauth = {}, org = {}) {
  return {
    users: 450, groups: 12, events: 600, seed: 12, latencyMs: 15, ...org,
    oauth: { clients: [{ clientId: CLIENT_ID, publicKey: key.publicKey, kid: 'k1', scopes: ALL_SCOPES, ...client }], ...oauth },
  }
}

/** A connector signing in as the service app (the key passed as a resolved secret). */
function oauthConnector(sim, privateKey, settings = {}, ctx = {}, oauth = {}) {
  const logger = ctx.logger ?? captureLogger()
  process.env.OKTA_TEST_PRIVATE_KEY = typeof privateKey === 'string' ? privateKey : JSON.stringify(privateKey)
  const connector = new OktaConnector(
    { host: 'acme.okta.com', ...settings },
    { oauth: { clientId: CLIENT_ID, privateKey: { $secret: 'OKTA_TEST_PRIVATE_KEY' }, keyId: 'k1', ...oauth } },
    { baseUrl: sim.url, logger, retry: FAST_RETRY, ...ctx },
  )
  return { connector, logger }
}

const tokenRequests = (sim) => sim.requests.filter((r) => r.path === '/oauth2/v1/token')
const apiRequests = (sim) => sim.requests.filter((r) => r.path.startsWith('/api/v1/'))

/** No secret in anything the connector or simulator exposes. */
function assertNoSecrets(key, ...things) {
  const text = things.map((t) => JSON.stringify(t)).join('\n')
  const pemBody = key.pem.split('\n').reduce((a, b) => (b.length > a.length ? b : a), '')
  assert.ok(pemBody.length > 40 && !text.includes(pemBody), 'PEM body leaked')
  assert.ok(!text.includes(key.jwk.d), 'private JWK leaked')
  assert.ok(!/sim_at\./.test(text), 'access token leaked')
  assert.ok(!/eyJ[\w-]+\.eyJ[\w-]+\./.test(text), 'a signed JWT (assertion or proof) leaked')
}

for (const [name, key, input] of [['RSA PEM (RS256)', RSA, RSA.pem], ['EC P-256 JWK (ES256)', EC, EC.jwk]]) {
  test(`${name}: a DPoP sync stores the same records as the SSWS sync, with one token for every phase and chunk`, { timeout: 60_000 }, async () => {
    await withSim(oauthOrg(key), async (sim) => {
      const { connector, logger } = oauthConnector(sim, input, {}, { chunkBudgetMs: 40 })
      const storage = new MemoryStorage()
      const run = await runSync(connector, storage, { mode: 'full' })
      assert.equal(run.done, true)
      assert.ok(run.calls > 1, `several chunks (${run.calls})`)
      assert.deepEqual(await stored(storage), expectedRecords(sim.org))

      // The nonce dance: a first proof without a nonce, then the retry with it; one token.
      const tokens = tokenRequests(sim)
      assert.equal(tokens.length, 2)
      assert.deepEqual(tokens.map((t) => [t.status, t.oauth.dpop, t.oauth.nonce]), [[400, true, false], [200, true, true]])
      assert.equal(tokens[1].oauth.clientId, CLIENT_ID)
      assert.equal(tokens[1].oauth.assertionAlg, key === RSA ? 'RS256' : 'ES256')
      assert.equal(tokens[1].oauth.scope, ALL_SCOPES.join(' '))
      assert.equal(sim.stats().oauth.tokensIssued, 1, 'phases and chunks share one token')
      const api = apiRequests(sim)
      assert.ok(api.length > 5)
      assert.ok(api.every((r) => r.authScheme === 'DPoP' && r.dpop && r.status === 200), 'every API call: DPoP token + proof')
      assert.deepEqual(new Set(api.map((r) => r.bucket)), new Set(['users', 'groups', 'logs']))

      const info = connector.authInfo()
      assert.equal(info.scheme, 'oauth')
      assert.equal(info.tokenType, 'DPoP')
      assert.deepEqual(info.grantedScopes, ALL_SCOPES)
      assertNoSecrets(key, sim.requests, logger.events, connector.serializeConfig(), info)
      assert.deepEqual(connector.serializeConfig(), { host: 'acme.okta.com', oauth: { clientId: CLIENT_ID, keyId: 'k1', privateKey: { $secret: 'OKTA_TEST_PRIVATE_KEY' } } })

      // The same org through SSWS stores exactly the same records.
      const ssws = await fullSync(sim)
      assert.deepEqual(await stored(ssws.storage), await stored(storage))
    })
  })
}

test('scopes derive from the enabled resources; an app without DPoP gets Bearer tokens', { timeout: 30_000 }, async () => {
  await withSim(oauthOrg(EC, { dpop: false }), async (sim) => {
    const { connector } = oauthConnector(sim, EC.pem, { resources: ['users', 'groups'] })
    const storage = new MemoryStorage()
    assert.equal((await runSync(connector, storage, { mode: 'full' })).done, true)
    const tokens = tokenRequests(sim)
    assert.equal(tokens.length, 1, 'no nonce dance when the app does not use DPoP')
    assert.equal(tokens[0].oauth.scope, 'okta.users.read okta.groups.read')
    assert.equal(connector.authInfo().tokenType, 'Bearer')
    const api = apiRequests(sim)
    assert.ok(api.length > 0 && api.every((r) => r.authScheme === 'Bearer' && r.status === 200))
    assert.equal((await storage.queryEntities({ type: 'okta_user' })).length, expectedRecords(sim.org).users.length)
  })
})

test('a token expiring during a long sync is refreshed ahead of time, and the token endpoint is paced like the others', { timeout: 60_000 }, async () => {
  // The token endpoint allows 2 requests a second; at the default share the connector
  // may use 1: even the nonce retry right after the first answer must wait for the next window.
  const rateLimits = { users: { limit: 4, windowMs: 1000 }, token: { limit: 2, windowMs: 1000 } }
  await withSim(oauthOrg(RSA, {}, { tokenLifetimeSeconds: 1 }, { users: 200 * 8, rateLimits }), async (sim) => {
    const { connector } = oauthConnector(sim, RSA.pem, { resources: ['users'] })
    const storage = new MemoryStorage()
    const run = await runSync(connector, storage, { mode: 'full' })
    assert.equal(run.done, true)
    const stats = sim.stats()
    assert.ok(stats.oauth.tokensIssued >= 3, `tokens issued: ${stats.oauth.tokensIssued}`)
    assert.equal(stats.byStatus[401] ?? 0, 0, 'refreshed before expiry, never rejected')
    assert.equal(stats.status429, 0)
    assert.equal(stats.byBucket.token.maxInWindow, 1, 'one token request per window')
    assert.ok(stats.byBucket.token.requests >= 4)
    assert.ok(connector.stats().rateLimit.token, 'the token bucket is tracked')
    assert.equal((await storage.queryEntities({ type: 'okta_user' })).length, 200 * 8)
  })
})

test('a 429 from the token endpoint is waited out', { timeout: 30_000 }, async () => {
  await withSim({ ...oauthOrg(EC), retryAfter: 1, faults: [{ type: '429', path: '/oauth2/v1/token', nth: [1] }] }, async (sim) => {
    const { connector, logger } = oauthConnector(sim, EC.jwk, { resources: ['groups'] })
    assert.equal((await runSync(connector, new MemoryStorage(), { mode: 'full' })).done, true)
    assert.deepEqual(tokenRequests(sim).map((t) => t.status), [429, 400, 200])
    assert.equal(logger.named('rate limit wait').find((e) => e.fields.resource === 'oauth2_token')?.fields.wait_ms, 1000)
  })
})

test('one 401 "invalid token" triggers one refresh and the sync carries on', { timeout: 30_000 }, async () => {
  await withSim(oauthOrg(RSA), async (sim) => {
    const { connector } = oauthConnector(sim, RSA.pem)
    assert.equal((await runSync(connector, new MemoryStorage(), { mode: 'full' })).done, true)
    sim.oauth.expireTokens() // revoked or expired server-side while cached
    const storage = new MemoryStorage()
    assert.equal((await runSync(connector, storage, { mode: 'full' })).done, true)
    // Each of the three concurrent phases' first call carried the stale token; the
    // first 401 refreshes it, the others pick up that same new token.
    assert.equal(sim.stats().byStatus[401], 3, 'one rejected call per phase')
    assert.equal(sim.stats().oauth.tokensIssued, 2, 'one refresh, shared by the phases')
    assert.deepEqual(await stored(storage), expectedRecords(sim.org))
  })
})

test('a token rejected again after the refresh is an auth error', { timeout: 30_000 }, async () => {
  // expires_in 0: every token the server issues is already expired when used.
  await withSim(oauthOrg(RSA, {}, { tokenLifetimeSeconds: 0 }), async (sim) => {
    const { connector } = oauthConnector(sim, RSA.pem, { resources: ['users'] })
    await assert.rejects(runSync(connector, new MemoryStorage(), { mode: 'full' }), (err) => err.code === 'OKTA_INVALID_TOKEN' && err.kind === 'auth' && /fresh token/.test(err.message))
    assert.equal(sim.stats().byStatus[401], 2, 'the first token and the refreshed one, then no more')
    assert.equal(sim.stats().oauth.tokensIssued, 2)
  })
})

test('nonce updates from API responses are honoured', { timeout: 30_000 }, async () => {
  await withSim(oauthOrg(EC, {}, { apiNonce: true, nonceRotateEvery: 10 }), async (sim) => {
    const { connector } = oauthConnector(sim, EC.pem)
    const storage = new MemoryStorage()
    assert.equal((await runSync(connector, storage, { mode: 'full' })).done, true)
    assert.deepEqual(await stored(storage), expectedRecords(sim.org))
    // The rotations are picked up from DPoP-Nonce headers; a race between concurrent
    // phases may cost a use_dpop_nonce retry, never a failure.
    const challenged = apiRequests(sim).filter((r) => r.status === 401).length
    assert.ok(challenged >= 1, 'the first API call learns the API nonce')
    assert.ok(challenged <= apiRequests(sim).length / 3, `${challenged} nonce challenges`)
  })
})

// Each failure: the right code, kind auth, the fix in words, and no secret anywhere.
const FAILURES = [
  ['unknown client id (invalid_client)', {}, {}, { clientId: '0oaWRONG' }, 'OKTA_OAUTH_INVALID_CLIENT', /oauth\.clientId/],
  ['key not registered (invalid_client)', { publicKey: makeKey('rsa').publicKey, kid: null }, {}, {}, 'OKTA_OAUTH_INVALID_CLIENT', /Public keys/],
  ['scope not granted (invalid_scope)', { scopes: ['okta.users.read', 'okta.groups.read'] }, {}, {}, 'OKTA_OAUTH_INVALID_SCOPE', /okta\.logs\.read.*Okta API Scopes/],
  ['not a service app (unauthorized_client)', { grantTypes: ['authorization_code'] }, {}, {}, 'OKTA_OAUTH_UNAUTHORIZED_CLIENT', /API Services/],
  ['a nonce loop', {}, { nonceLoop: true }, {}, 'OKTA_DPOP_NONCE_LOOP', /DPoP-Nonce/],
  ['clock skew (iat rejected)', {}, { clockSkewSeconds: 900 }, {}, 'OKTA_CLOCK_SKEW', /clock.*NTP|NTP/],
]
for (const [name, client, server, oauth, code, fix] of FAILURES) {
  test(`token failure: ${name} -> ${code}`, { timeout: 30_000 }, async () => {
    await withSim(oauthOrg(RSA, client, server), async (sim) => {
      const { connector, logger } = oauthConnector(sim, RSA.pem, {}, {}, oauth)
      let error
      await assert.rejects(runSync(connector, new MemoryStorage(), { mode: 'full' }), (err) => {
        error = err
        return true
      })
      assert.equal(error.code, code, error.message)
      assert.equal(error.kind, 'auth')
      assert.match(error.message, fix)
      assert.equal(apiRequests(sim).length, 0, 'no API call without a token')
      assertNoSecrets(RSA, error, error.toJSON(), logger.events, sim.requests)
      if (code === 'OKTA_DPOP_NONCE_LOOP') assert.equal(tokenRequests(sim).length, 3)
      if (code === 'OKTA_CLOCK_SKEW') assert.match(error.message, /about 9\d\d s behind/)
    })
  })
}

test('403 per resource: a missing admin role and a missing scope name the fix', { timeout: 30_000 }, async () => {
  await withSim(oauthOrg(RSA, { adminRole: false }), async (sim) => {
    const { connector } = oauthConnector(sim, RSA.pem, { resources: ['groups'] })
    await assert.rejects(runSync(connector, new MemoryStorage(), { mode: 'full' }), (err) => err.code === 'OKTA_FORBIDDEN' && err.kind === 'auth' && /Admin roles/.test(err.message) && err.resource === 'okta_group')
  })
  await withSim(oauthOrg(RSA), async (sim) => {
    // The app may have okta.logs.read, but this config asks for users only.
    const { connector } = oauthConnector(sim, RSA.pem, { resources: ['users', 'auth_events'] }, {}, { scopes: ['okta.users.read'] })
    await assert.rejects(runSync(connector, new MemoryStorage(), { mode: 'full' }), (err) => {
      assert.equal(err.code, 'OKTA_INSUFFICIENT_SCOPE')
      assert.equal(err.kind, 'auth')
      assert.match(err.message, /okta\.logs\.read.*Okta API Scopes/)
      assert.equal(err.resource, 'okta_auth_event')
      return true
    })
  })
})

test('malformed and unsupported keys are config errors naming oauth.privateKey, without echoing the key', async () => {
  const ed = crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' })
  const p384 = makeKey('P-384')
  const smallRsa = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' })
  const cases = [
    [RSA.pem.replace(/[A-Za-z]{20}/, 'x'), /malformed/],
    ['hello', /Not a PEM/],
    [ed, /Unsupported key type \(Ed25519\)/],
    [p384.pem, /Unsupported EC curve/],
    [p384.jwk, /Unsupported EC curve/],
    [smallRsa, /1024 bits/],
    [{ kty: 'RSA', n: RSA.jwk.n, e: RSA.jwk.e }, /public key/],
  ]
  for (const [key, message] of cases) {
    const c = new OktaConnector({ host: 'acme.okta.com' }, { oauth: { clientId: CLIENT_ID, privateKey: key } }, { baseUrl: 'http://127.0.0.1:9' })
    await assert.rejects(c.sync({ mode: 'full' }, new MemoryStorage()), (err) => {
      assert.equal(err.code, 'OKTA_INVALID_CONFIG')
      assert.equal(err.issues[0].field, 'oauth.privateKey')
      assert.match(err.message, message)
      const text = JSON.stringify(err)
      for (const line of typeof key === 'string' ? key.split('\n') : [key.d ?? '']) {
        if (line.length > 20 && !line.startsWith('-----')) assert.ok(!text.includes(line), 'key echoed')
      }
      return true
    })
  }
  delete process.env.OKTA_TEST_MISSING_KEY
  const missing = new OktaConnector({ host: 'acme.okta.com' }, { oauth: { clientId: CLIENT_ID, privateKey: { $secret: 'OKTA_TEST_MISSING_KEY' } } })
  await assert.rejects(missing.sync({ mode: 'full' }, new MemoryStorage()), (err) => err.code === 'OKTA_MISSING_SECRET' && err.issues[0].field === 'oauth.privateKey' && err.message.includes('OKTA_TEST_MISSING_KEY'))
})

test('config: exactly one of apiToken or oauth, in configFields, validateConfig and the constructor', () => {
  const oauth = { clientId: CLIENT_ID, privateKey: { $secret: 'OKTA_PRIVATE_KEY' } }
  const cases = [
    [{ host: 'acme.okta.com', oauth }, null],
    [{ host: 'acme.okta.com', oauth: { ...oauth, keyId: 'k1', scopes: ['okta.users.read'] } }, null],
    [{ host: 'acme.okta.com', apiToken: { $secret: 'T' }, oauth }, 'oauth'],
    [{ host: 'acme.okta.com', oauth: { ...oauth, privateKey: '-----BEGIN PRIVATE KEY-----' } }, 'oauth'],
    [{ host: 'acme.okta.com', oauth: { privateKey: oauth.privateKey } }, 'oauth'],
    [{ host: 'acme.okta.com', oauth: { ...oauth, scopes: [] } }, 'oauth'],
    [{ host: 'acme.okta.com', oauth: 'yes' }, 'oauth'],
    [{ host: 'acme.okta.com' }, 'apiToken'],
  ]
  for (const [input, bad] of cases) {
    const zod = configFields.safeParse(input)
    const native = checkConfig(input)
    if (!bad) {
      assert.equal(zod.success, true, JSON.stringify(zod.error?.issues))
      assert.deepEqual(native.issues, [])
      assert.deepEqual(validateConfig(input), zod.data)
    } else {
      assert.equal(zod.success, false, JSON.stringify(input))
      assert.deepEqual([...new Set(zod.error.issues.map((i) => String(i.path[0])))], [bad])
      assert.deepEqual([...new Set(native.issues.map((i) => i.field.split('.')[0]))], [bad])
      assert.ok(!JSON.stringify(native.issues).includes('BEGIN PRIVATE KEY'))
    }
  }
  assert.throws(() => new OktaConnector({ host: 'acme.okta.com' }, { apiToken: 't', oauth }), (err) => err.issues[0].field === 'oauth')
  assert.throws(() => new OktaConnector({ host: 'acme.okta.com' }, { oauth: { privateKey: 'x' } }), (err) => err.issues[0].field === 'oauth.clientId')
  // The host splits the oauth block (with its secret) off by the static credentials map.
  assert.deepEqual(Object.keys(OktaConnector.credentials).sort(), ['apiToken', 'oauth'])
  const c = instantiateConnector({ id: 'okta', connector: 'okta', config: { host: 'acme.okta.com', oauth } }, { okta: OktaConnector })
  assert.deepEqual(c.serializeConfig(), { host: 'acme.okta.com', oauth })
  const created = OktaConnector.create({ host: 'acme.okta.com', oauth: { ...oauth, extra: 1 } })
  assert.deepEqual(created.serializeConfig(), { host: 'acme.okta.com', oauth })
  assert.equal(created.authInfo().scheme, 'oauth')
})

// ---- `rawdash-okta check` with an OAuth service app (run as a child process).
const CLI = new URL('../src/cli/rawdash-okta.mjs', import.meta.url).pathname
function cli(args, env = {}) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OKTA_') && k !== 'FORCE_COLOR'))
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...base, ...env }, timeout: 25_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr, all: stdout + stderr })
    })
  })
}

test('check with OAuth reports the granted scopes against what the enabled resources need', { timeout: 60_000 }, async () => {
  await withSim(oauthOrg(EC), async (sim) => {
    const env = { OKTA_HOST: 'acme.okta.com', OKTA_BASE_URL: sim.url, OKTA_CLIENT_ID: CLIENT_ID, OKTA_PRIVATE_KEY: EC.pem, OKTA_KEY_ID: 'k1' }
    const r = await cli(['check', '--json'], env)
    assert.equal(r.code, 0, r.all)
    const report = JSON.parse(r.stdout)
    assert.equal(report.ok, true)
    assert.deepEqual(report.auth, { scheme: 'oauth', clientId: CLIENT_ID, tokenType: 'DPoP', needed: ALL_SCOPES, granted: ALL_SCOPES, missing: [] })
    assert.ok(report.resources.every((x) => x.readable))
    assertNoSecrets(EC, r.all)
    const text = await cli(['check', '--resources', 'users,groups'], env)
    assert.equal(text.code, 0, text.all)
    assert.match(text.stdout, /scopes needed: {2}okta\.users\.read okta\.groups\.read/)
    assert.match(text.stdout, /scopes granted: okta\.users\.read okta\.groups\.read/)
  })
  // The app was granted only users: the token request fails with invalid_scope and the fix.
  await withSim(oauthOrg(EC, { scopes: ['okta.users.read'] }), async (sim) => {
    const env = { OKTA_HOST: 'acme.okta.com', OKTA_BASE_URL: sim.url, OKTA_CLIENT_ID: CLIENT_ID, OKTA_PRIVATE_KEY: JSON.stringify(EC.jwk) }
    const r = await cli(['check', '--json'], env)
    assert.equal(r.code, 1, r.all)
    const report = JSON.parse(r.stdout)
    assert.deepEqual(report.auth.missing, ALL_SCOPES)
    assert.equal(report.auth.granted, null)
    assert.ok(report.resources.every((x) => x.code === 'OKTA_OAUTH_INVALID_SCOPE' && /Okta API Scopes/.test(x.fix)))
    assertNoSecrets(EC, r.all)
  })
  // No key in the environment: a usage error naming the variable (never a flag).
  await withSim(oauthOrg(EC, { scopes: ['okta.users.read', 'okta.groups.read', 'okta.logs.read'] }), async (sim) => {
    const missingKey = await cli(['check', '--client-id', CLIENT_ID], { OKTA_HOST: 'acme.okta.com', OKTA_BASE_URL: sim.url })
    assert.equal(missingKey.code, 2)
    assert.match(missingKey.all, /OKTA_PRIVATE_KEY/)
  })
})

test('a token endpoint that echoes the request cannot leak the assertion or the proof', { timeout: 30_000 }, async () => {
  let seen = null
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      seen = { body, dpop: req.headers.dpop }
      const echo = `${decodeURIComponent(body)} ${req.headers.dpop}`
      res.writeHead(400, { 'content-type': 'application/json', 'x-okta-request-id': req.headers.dpop })
      res.end(JSON.stringify({ error: 'invalid_client', error_description: echo }))
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const logger = captureLogger()
    const c = new OktaConnector({ host: 'acme.okta.com' }, { oauth: { clientId: CLIENT_ID, privateKey: RSA.pem } }, { baseUrl: `http://127.0.0.1:${server.address().port}`, logger })
    await assert.rejects(c.sync({ mode: 'full' }, new MemoryStorage()), (err) => {
      assert.equal(err.code, 'OKTA_OAUTH_INVALID_CLIENT')
      const assertion = new URLSearchParams(seen.body).get('client_assertion')
      assert.ok(assertion && seen.dpop, 'the server saw both')
      for (const text of [JSON.stringify(err.toJSON()), err.message, JSON.stringify(logger.events)]) {
        assert.ok(!text.includes(assertion), 'assertion leaked')
        assert.ok(!text.includes(seen.dpop), 'proof leaked')
      }
      return true
    })
  } finally {
    server.close()
  }
})

// ---- The simulator's checks are real: hand-made JWTs (node:crypto) that break one rule each.
function jws(header, payload, privateKey) {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const input = `${enc(header)}.${enc(payload)}`
  const ec = privateKey.asymmetricKeyType === 'ec'
  const sig = crypto.sign('sha256', Buffer.from(input), ec ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey)
  return `${input}.${sig.toString('base64url')}`
}

test('simulator: the token endpoint and API verify assertions and DPoP proofs rule by rule', { timeout: 30_000 }, async () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = publicKey.export({ format: 'jwk' })
  await withSim(oauthOrg({ publicKey }), async (sim) => {
    const tokenUrl = `${sim.url}/oauth2/v1/token`
    const now = () => Math.floor(Date.now() / 1000)
    const assertion = (claims = {}) =>
      jws({ alg: 'ES256', kid: 'k1' }, { iss: CLIENT_ID, sub: CLIENT_ID, aud: 'https://acme.okta.com/oauth2/v1/token', iat: now(), exp: now() + 300, jti: crypto.randomUUID(), ...claims }, privateKey)
    const proof = (claims = {}, header = {}) => jws({ typ: 'dpop+jwt', alg: 'ES256', jwk, ...header }, { htm: 'POST', htu: tokenUrl, iat: now(), jti: crypto.randomUUID(), ...claims }, privateKey)
    const post = async (a, p) => {
      const body = new URLSearchParams({ grant_type: 'client_credentials', scope: 'okta.users.read', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: a })
      const res = await fetch(tokenUrl, { method: 'POST', body, headers: p ? { dpop: p } : {} })
      return { status: res.status, nonce: res.headers.get('dpop-nonce'), json: await res.json() }
    }
    const first = await post(assertion(), proof())
    assert.deepEqual([first.status, first.json.error], [400, 'use_dpop_nonce'])
    const nonce = first.nonce
    const cases = [
      [assertion({ aud: tokenUrl }), proof({ nonce }), 'invalid_client'], // aud must be the org's token URL
      [assertion({ sub: 'other' }), proof({ nonce }), 'invalid_client'],
      [assertion({ exp: now() + 7200 }), proof({ nonce }), 'invalid_client'], // exp too far ahead
      [((a) => { const [h, c, sig] = a.split('.'); return `${h}.${c}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}` })(assertion()), proof({ nonce }), 'invalid_client'], // bad signature (the first character: a last one may only hold padding bits)
      [assertion(), null, 'invalid_dpop_proof'],
      [assertion(), proof({ nonce, htu: `${tokenUrl}?x=1` }), 'invalid_dpop_proof'],
      [assertion(), proof({ nonce, htm: 'GET' }), 'invalid_dpop_proof'],
      [assertion(), proof({ nonce, iat: now() - 600 }), 'invalid_dpop_proof'],
      [assertion(), proof({ nonce }, { typ: 'JWT' }), 'invalid_dpop_proof'],
    ]
    for (const [a, p, error] of cases) assert.equal((await post(a, p)).json.error, error, JSON.stringify({ error }))
    const replayed = assertion()
    const ok = await post(replayed, proof({ nonce }))
    assert.equal(ok.status, 200)
    assert.equal(ok.json.token_type, 'DPoP')
    assert.equal((await post(replayed, proof({ nonce }))).json.error, 'invalid_client', 'a replayed jti is refused')

    const token = ok.json.access_token
    const ath = crypto.createHash('sha256').update(token).digest('base64url')
    const usersUrl = `${sim.url}/api/v1/users`
    const get = async (path, headers) => (await fetch(`${sim.url}${path}`, { headers })).status
    const apiProof = (claims = {}) => proof({ htm: 'GET', htu: usersUrl, ath, ...claims })
    assert.equal(await get('/api/v1/users?limit=1', { authorization: `DPoP ${token}`, dpop: apiProof() }), 200)
    assert.equal(await get('/api/v1/users?limit=1', { authorization: `DPoP ${token}`, dpop: apiProof({ ath: 'x' }) }), 401)
    assert.equal(await get('/api/v1/users?limit=1', { authorization: `DPoP ${token}`, dpop: apiProof({ htu: `${usersUrl}?limit=1` }) }), 401)
    assert.equal(await get('/api/v1/users?limit=1', { authorization: `DPoP ${token}` }), 401, 'no proof')
    assert.equal(await get('/api/v1/users?limit=1', { authorization: `Bearer ${token}` }), 401, 'a DPoP-bound token is not a Bearer token')
    assert.equal(await get('/api/v1/groups', { authorization: `DPoP ${token}`, dpop: apiProof({ htu: `${sim.url}/api/v1/groups` }) }), 403, 'okta.groups.read was not requested')
    const logged = sim.requests.filter((r) => r.path.startsWith('/api/'))
    assert.ok(logged.every((r) => r.authScheme === 'DPoP' || r.authScheme === 'Bearer'))
    assert.ok(!JSON.stringify(sim.requests).includes(token), 'the request log never holds the token')
  })
})
