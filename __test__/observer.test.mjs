// ctx.observer (rawdash cloud's request observer): every API response reported as
// { url, method, status, resource, requestId, body }, with no secret in it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { withSim, connectorFor, MemoryStorage, runSync } from './helpers.mjs'

const FAST_RETRY = { minDelayMs: 5, maxDelayMs: 20, maxAttempts: 4 }

test('the observer sees every response, retried failures included, with secrets masked', async () => {
  await withSim({ users: 450, groups: 30, events: 1200, seed: 4 }, async (sim) => {
    sim.setOptions({ faults: [{ type: '500', nth: [2], bucket: 'users' }] })
    const seen = []
    const observer = (o) => {
      seen.push(o)
    }
    const { connector, logger } = connectorFor(sim, {}, { observer, retry: FAST_RETRY })
    const run = await runSync(connector, new MemoryStorage(), { mode: 'full' })
    assert.equal(run.done, true)
    const requests = sim.stats().requests
    assert.equal(seen.length, requests, 'one observation per response')
    const users = seen.filter((o) => o.resource === 'okta_user')
    assert.deepEqual(users.map((o) => o.status), [200, 500, 200, 200])
    assert.equal(users[0].method, 'GET')
    assert.ok(seen.every((o) => typeof o.requestId === 'string' && o.requestId.length > 0), 'a request id on every observation')
    assert.ok(users[0].url.startsWith(`${sim.url}/api/v1/users?`))
    assert.ok(Array.isArray(users[0].body) && users[0].body.length === 200, 'the parsed page')
    assert.equal(typeof users[1].body, 'object', 'the error body, parsed')
    assert.ok(seen.some((o) => o.resource === 'okta_auth_event'))
    assert.ok(!JSON.stringify(seen).includes(sim.token), 'no token in any observation')
    assert.equal(logger.named('observer failed').length, 0)
  })
})

test('a throwing or hanging observer never fails or stalls the sync', async () => {
  await withSim({ users: 30, groups: 3, events: 50, seed: 5 }, async (sim) => {
    let calls = 0
    const observer = (o) => {
      calls++
      if (o.resource === 'okta_user') throw new Error('observer down')
      return new Promise(() => {})
    }
    const { connector, logger } = connectorFor(sim, {}, { observer })
    const started = Date.now()
    const run = await runSync(connector, new MemoryStorage(), { mode: 'full' })
    assert.equal(run.done, true)
    assert.ok(calls >= 3)
    assert.ok(Date.now() - started < 250 * calls + 3000, 'each hang is cut at 250 ms')
    assert.ok(logger.named('observer failed').length >= 1)
  })
})

test('without an observer, no observation crosses', async () => {
  await withSim({ users: 30, groups: 3, events: 50, seed: 6 }, async (sim) => {
    // The same sync with and without an observer: the observed one crosses once more
    // per response; the other crosses no observation at all.
    const crossings = async (ctx) => {
      const { connector } = connectorFor(sim, {}, ctx)
      sim.resetLog()
      await runSync(connector, new MemoryStorage(), { mode: 'full' })
      return { crossings: connector.stats().crossings, requests: sim.stats().requests }
    }
    const plain = await crossings({})
    const observed = await crossings({ observer: () => {} })
    assert.equal(observed.requests, plain.requests)
    assert.equal(observed.crossings - plain.crossings, observed.requests)
  })
})
