// The base URL override (ctx.baseUrl, OKTA_BASE_URL, the CLI's --base-url): every
// request, and the credential with it, goes there, so it must be https, or plain
// http only to a loopback address (127.0.0.0/8, ::1, localhost). Anything else is an
// OKTA_INVALID_CONFIG naming the variable and the rule, enforced natively (the
// client configuration), and nothing is ever sent to a refused origin: these tests
// point the override at a listener that IS reachable there and count connections.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import net from 'node:net'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import OktaConnector, { OktaClient } from '../src/js/index.mjs'
import { fromNative } from '../src/js/errors.cjs'
import { withSim, captureLogger, MemoryStorage } from './helpers.mjs'

const CLI = fileURLToPath(new URL('../src/cli/rawdash-okta.mjs', import.meta.url))
const RULE = /Expected https:\/\/, or plain http:\/\/ only to a loopback address \(127\.0\.0\.0\/8, \[::1\] or localhost\)/
const OAUTH = { clientId: '0oa1', privateKey: '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----' }

/** A TCP listener on every interface: counts connections and keeps each one's first bytes. */
let listener
before(async () => {
  const seen = []
  const server = net.createServer((socket) => {
    const entry = { first: null }
    seen.push(entry)
    socket.on('error', () => {})
    socket.once('data', (data) => {
      entry.first = data[0]
      socket.destroy()
    })
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port: 0, host: '::', ipv6Only: false }, resolve)
  }).catch(() => new Promise((resolve) => server.listen(0, '0.0.0.0', resolve)))
  listener = { server, seen, port: server.address().port }
})
after(() => {
  listener.server.close()
})

const reachable = (host) =>
  new Promise((resolve) => {
    const socket = net.connect({ host, port: listener.port, timeout: 1000 }, () => {
      socket.destroy()
      resolve(true)
    })
    socket.on('error', () => resolve(false))
    socket.on('timeout', () => {
      socket.destroy()
      resolve(false)
    })
  })

/** Refused origins that do reach the listener from this machine (so a refusal is what keeps them quiet). */
async function refusedOrigins() {
  const lan = Object.values(os.networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal && a.family === 'IPv4')
    .map((a) => a.address)
  const candidates = [...lan.map((ip) => [ip, `http://${ip}:${listener.port}`]), ['0.0.0.0', `http://0.0.0.0:${listener.port}`], ['::ffff:127.0.0.1', `http://[::ffff:127.0.0.1]:${listener.port}`]]
  const out = []
  for (const [host, origin] of candidates) if (await reachable(host)) out.push(origin)
  assert.ok(out.length > 0, 'no refused origin reaches the listener on this machine')
  listener.seen.length = 0
  return out
}

function assertRefused(err, field) {
  assert.equal(err?.code, 'OKTA_INVALID_CONFIG', String(err?.stack ?? err))
  assert.equal(err.kind, 'client_bug')
  assert.equal(err.issues.length, 1)
  assert.equal(err.issues[0].field, field)
  assert.match(err.issues[0].message, RULE)
  assert.ok(err.message.includes(`${field}: `), err.message)
}

function caught(fn) {
  try {
    fn()
  } catch (err) {
    return err
  }
  return null
}

test('plain http to a non-loopback address is refused, naming ctx.baseUrl or OKTA_BASE_URL and the rule; nothing is sent', async () => {
  const origins = [...(await refusedOrigins()), 'http://okta-proxy.example.com:8080', 'http://localhost.example.com']
  const saved = process.env.OKTA_BASE_URL
  try {
    for (const origin of origins) {
      for (const creds of [{ apiToken: 'tok-123' }, { apiToken: { $secret: 'OKTA_API_TOKEN' } }, { oauth: OAUTH }]) {
        delete process.env.OKTA_BASE_URL
        assertRefused(caught(() => new OktaConnector({ host: 'acme.okta.com' }, creds, { baseUrl: origin })), 'ctx.baseUrl')
        process.env.OKTA_BASE_URL = origin
        assertRefused(caught(() => new OktaConnector({ host: 'acme.okta.com' }, creds, { logger: captureLogger() })), 'OKTA_BASE_URL')
        assertRefused(caught(() => OktaConnector.create({ host: 'acme.okta.com', ...('oauth' in creds ? { oauth: { ...OAUTH, privateKey: { $secret: 'K' } } } : { apiToken: { $secret: 'T' } }) })), 'OKTA_BASE_URL')
      }
      // The native client applies the rule itself (the CLI and direct clients), by the name it is given.
      assertRefused(fromNative(caught(() => new OktaClient({ host: 'acme.okta.com', token: 'tok-123', baseUrl: origin }))), 'baseUrl')
      assertRefused(fromNative(caught(() => new OktaClient({ host: 'acme.okta.com', token: 'tok-123', baseUrl: origin, baseUrlFrom: 'OKTA_BASE_URL' }))), 'OKTA_BASE_URL')
    }
  } finally {
    if (saved === undefined) delete process.env.OKTA_BASE_URL
    else process.env.OKTA_BASE_URL = saved
  }
  await new Promise((r) => setTimeout(r, 100))
  assert.equal(listener.seen.length, 0, 'a connection reached a refused origin')
})

test('the rawdash-okta command refuses the same origins before any request', async () => {
  const [origin] = await refusedOrigins()
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OKTA_')))
  for (const [args, env, named] of [
    [['check', '--host', 'acme.okta.com', '--base-url', origin], { OKTA_API_TOKEN: 'tok-123' }, 'baseUrl'],
    [['sync', '--host', 'acme.okta.com'], { OKTA_API_TOKEN: 'tok-123', OKTA_BASE_URL: origin }, 'OKTA_BASE_URL'],
  ]) {
    const r = await new Promise((resolve) => execFile(process.execPath, [CLI, ...args], { env: { ...base, ...env, NO_COLOR: '1' }, timeout: 25_000 }, (err, stdout, stderr) => resolve({ code: err?.code ?? 0, out: stdout + stderr })))
    assert.equal(r.code, 2, r.out)
    // The issue names where the URL came from: the flag, or the environment variable.
    assert.match(r.out.replace(/\s+/g, ' '), new RegExp(`${named}: Expected https://, or plain http:// only to a loopback address`))
  }
  assert.equal(listener.seen.length, 0, 'the command connected to a refused origin')
})

test('https is accepted, to any host; plain http to a loopback address too', async () => {
  for (const baseUrl of ['https://okta-proxy.example.com', 'https://192.0.2.10:8443', 'http://127.0.0.1:9', 'http://127.8.9.10:9', 'http://[::1]:9', 'http://localhost:9', 'http://LOCALHOST']) {
    assert.ok(new OktaConnector({ host: 'acme.okta.com' }, { apiToken: 't' }, { baseUrl }), baseUrl)
    assert.ok(new OktaClient({ host: 'acme.okta.com', token: 't', baseUrl }), baseUrl)
  }
  // An https override is used as given: the first bytes a sync sends there open a TLS handshake.
  listener.seen.length = 0
  const saved = process.env.OKTA_BASE_URL
  try {
    for (const [ctx, env] of [
      [{ baseUrl: `https://127.0.0.1:${listener.port}` }, undefined],
      [{}, `https://localhost:${listener.port}`],
    ]) {
      if (env === undefined) delete process.env.OKTA_BASE_URL
      else process.env.OKTA_BASE_URL = env
      const before = listener.seen.length
      const logger = captureLogger()
      const c = new OktaConnector({ host: 'acme.okta.com', resources: ['users'] }, { apiToken: 'tok-123' }, { ...ctx, logger, retry: { maxAttempts: 1, minDelayMs: 1, maxDelayMs: 5 } })
      const abort = new AbortController()
      const watch = setInterval(() => listener.seen.length > before && listener.seen.at(-1).first !== null && abort.abort(), 10)
      try {
        const result = await c.sync({ mode: 'full' }, new MemoryStorage(), abort.signal).catch((err) => ({ thrown: err }))
        assert.notEqual(result.thrown?.code, 'OKTA_INVALID_CONFIG')
      } finally {
        clearInterval(watch)
      }
      assert.ok(listener.seen.length > before, 'the sync connected to the https override')
      assert.equal(listener.seen.at(-1).first, 0x16, 'a TLS handshake record, not plain http')
      assert.equal(logger.named('base url override').length, 1)
    }
  } finally {
    if (saved === undefined) delete process.env.OKTA_BASE_URL
    else process.env.OKTA_BASE_URL = saved
  }
})

test('OKTA_BASE_URL is read once, when the connector is constructed: a later change sends nothing anywhere else', async () => {
  await withSim({ users: 5, groups: 1, events: 5 }, async (sim) => {
    const saved = process.env.OKTA_BASE_URL
    try {
      process.env.OKTA_BASE_URL = sim.url
      const c = new OktaConnector({ host: 'acme.okta.com', resources: ['users'] }, { apiToken: sim.token }, { logger: captureLogger() })
      const [origin] = await refusedOrigins()
      process.env.OKTA_BASE_URL = origin
      const r = await c.sync({ mode: 'full' }, new MemoryStorage())
      assert.equal(r.done, true)
      assert.ok(sim.requests.length > 0)
      assert.equal(listener.seen.length, 0)
    } finally {
      if (saved === undefined) delete process.env.OKTA_BASE_URL
      else process.env.OKTA_BASE_URL = saved
    }
  })
})
