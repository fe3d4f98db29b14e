// Exactly-once under aborts and faults (issue 5). A sync interrupted anywhere and
// resumed from its cursor must leave storage identical to an uninterrupted sync:
// same entities, same multiset of events by uuid, none duplicated, none missing.
//
// OKTA_PROPERTY_CASES sets how many seeded random abort cases run (default 40;
// .ci/run sets 200). A failure prints the seed; rerun one with OKTA_PROPERTY_SEED.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { withSim, connectorFor, expectedRecords, stored, MemoryStorage, runSync, captureLogger, LOG_READINGS, rng } from './helpers.mjs'

const CASES = Number(process.env.OKTA_PROPERTY_CASES ?? 40)
// The cases are shared out between the readings of Okta's next links (LOG_READINGS).
const CASES_PER_READING = Math.ceil(CASES / LOG_READINGS.length)
const FIXED_SEED = process.env.OKTA_PROPERTY_SEED ? Number(process.env.OKTA_PROPERTY_SEED) : null
const FAST_RETRY = { minDelayMs: 5, maxDelayMs: 40, maxAttempts: 6 }


/** Compares two storages: entities equal, events equal as a multiset keyed by uuid. */
async function assertSameStorage(actual, expected, context) {
  const a = await stored(actual)
  const e = await stored(expected)
  const uuids = a.events.map((x) => x.attributes.uuid)
  const dupes = uuids.filter((u, i) => uuids.indexOf(u) !== i)
  assert.deepEqual(dupes, [], `${context}: duplicated events`)
  assert.equal(a.events.length, e.events.length, `${context}: event count`)
  assert.deepEqual(a, e, context)
}

/**
 * A storage whose writes can trigger the chunk's abort at an exact write index,
 * before or after the write is applied (the host's guard then drops later writes).
 */
function abortingStorage(base) {
  let plan = null
  const wrap = (handle) => {
    const out = { ...handle }
    for (const m of ['entity', 'event', 'entities', 'events']) {
      out[m] = async (...args) => {
        if (plan && plan.writes-- === 0) {
          plan.controller.abort()
          if (plan.before) return handle[m](...args)
        }
        const r = await handle[m](...args)
        if (plan && plan.afterNext) {
          plan.afterNext = false
          plan.controller.abort()
        }
        return r
      }
    }
    return out
  }
  return {
    arm(p) {
      plan = p
    },
    guarded(signal) {
      return wrap(base.guarded(signal))
    },
  }
}

/** One property case: a random interruption schedule for every sync call. */
async function interruptedRun(sim, options, random, ctx) {
  const base = new MemoryStorage()
  const storage = abortingStorage(base)
  const { connector } = connectorFor(sim, ctx.settings, { retry: FAST_RETRY, chunkBudgetMs: ctx.chunkBudgetMs, logger: captureLogger() })
  let cursor = options.cursor
  for (let call = 0; call < 400; call++) {
    const controller = new AbortController()
    const kind = random()
    let timer = null
    if (call > 60 || kind < 0.15) {
      storage.arm(null) // let it run
    } else if (kind < 0.55) {
      storage.arm({ controller, writes: Math.floor(random() * 1200), before: random() < 0.5 })
    } else if (kind < 0.7) {
      storage.arm({ controller, writes: -1, afterNext: true })
    } else if (kind < 0.85) {
      storage.arm(null)
      timer = setTimeout(() => controller.abort(), Math.floor(random() * 40))
    } else {
      storage.arm(null)
      controller.abort() // already aborted
    }
    const result = await connector.sync({ ...options, cursor }, storage.guarded(controller.signal), controller.signal)
    if (timer) clearTimeout(timer)
    if (result.done) return { base, calls: call + 1 }
    cursor = result.cursor
  }
  throw new Error('no progress after 400 calls')
}

for (const logNextSince of LOG_READINGS) {
  test(`exactly-once: ${CASES_PER_READING} seeded random interruption schedules match a clean run (next links: ${logNextSince})`, { timeout: 600_000 }, async () => {
    const master = FIXED_SEED ?? (Date.now() % 1_000_000)
    const orgsNeeded = Math.max(1, Math.ceil(CASES_PER_READING / 20))
    let done = 0
    for (let o = 0; o < orgsNeeded && done < CASES_PER_READING; o++) {
      const orgSeed = master + o
      const r = rng(orgSeed)
      const unlimited = { limit: 1_000_000, windowMs: 60_000 }
      const org = {
        users: Math.floor(r() * 700),
        groups: Math.floor(r() * 300),
        events: Math.floor(r() * 3500),
        seed: orgSeed,
        latencyMs: 1,
        latencyJitterMs: 3,
        // Hundreds of interrupted chunks would otherwise (rightly) be paced by the default limits.
        rateLimits: { users: unlimited, groups: unlimited, logs: unlimited },
        logNextSince,
      }
      await withSim(org, async (sim) => {
        const sinceMs = Date.now() - Math.floor(r() * 4 * 24 * 3600 * 1000)
        for (let c = 0; c < 20 && done < CASES_PER_READING; c++, done++) {
          const caseSeed = orgSeed * 1000 + c
          const random = rng(caseSeed)
          const mode = random() < 0.7 ? 'full' : 'latest'
          const options = { mode, since: random() < 0.5 || mode === 'latest' ? new Date(sinceMs).toISOString() : undefined }
          const ctx = { chunkBudgetMs: random() < 0.5 ? 0 : 30_000, settings: random() < 0.2 ? { resources: ['auth_events'] } : {} }
          const context = `case seed ${caseSeed} (OKTA_PROPERTY_SEED=${master}, OKTA_SIM_LOG_NEXT=${logNextSince}, org ${JSON.stringify(org)}, ${JSON.stringify(options)}, ${JSON.stringify(ctx)})`
          const clean = new MemoryStorage()
          const cleanRun = await runSync(connectorFor(sim, ctx.settings).connector, clean, options)
          assert.equal(cleanRun.done, true, context)
          if (process.env.OKTA_PROPERTY_DEBUG) console.error(context)
          const { base } = await interruptedRun(sim, options, random, ctx)
          await assertSameStorage(base, clean, context)
        }
      })
    }
    assert.equal(done, CASES_PER_READING)
  })

  const MATRIX = ['500', '502', '503', '504', 'reset', 'truncate', 'malformed', 'html', '429', 'concurrency429', 'slow']

  for (const type of [...MATRIX, 'mixed']) {
    test(`fault matrix: ${type} at a few percent converges to a clean run or ends typed, never duplicated (next links: ${logNextSince})`, { timeout: 120_000 }, async () => {
      const faults =
        type === 'mixed'
          ? MATRIX.map((t) => ({ type: t, rate: 0.02, delayMs: 3000 }))
          : [{ type, rate: type === 'slow' ? 0.05 : 0.08, delayMs: 3000 }]
      const org = { users: 650, groups: 220, events: 4200, seed: 11, rateLimits: { users: { limit: 600, windowMs: 1000 }, groups: { limit: 600, windowMs: 1000 }, logs: { limit: 600, windowMs: 1000 } }, logNextSince }
      await withSim(org, async (sim) => {
        const clean = new MemoryStorage()
        await runSync(connectorFor(sim).connector, clean, { mode: 'full' })
        sim.resetLog()
        sim.setOptions({ faults })
        const storage = new MemoryStorage()
        const { connector } = connectorFor(sim, { requestTimeoutMs: 1000 }, { retry: FAST_RETRY, chunkBudgetMs: 0 })
        let run
        try {
          run = await runSync(connector, storage, { mode: 'full' }, { maxTransient: 50 })
        } catch (err) {
          assert.ok(['auth', 'client_bug', 'transient', 'upstream_bug', 'rate_limit'].includes(err.kind), `typed error, got ${err}`)
          return
        }
        assert.ok(sim.stats().faults > 0, 'faults fired')
        if (run.done) {
          await assertSameStorage(storage, clean, `fault ${type}`)
        } else {
          assert.ok(run.error?.kind, 'ended with a typed error')
          const events = (await stored(storage)).events.map((e) => e.attributes.uuid)
          assert.equal(new Set(events).size, events.length, 'no duplicate even when ending early')
        }
      })
    })
  }

  test(`late events: an incremental sync picks up an event Okta indexed after the last sync, without duplicating any (next links: ${logNextSince})`, async () => {
    await withSim({ users: 20, groups: 2, events: 400, logNextSince }, async (sim) => {
      const storage = new MemoryStorage()
      await runSync(connectorFor(sim).connector, storage, { mode: 'full' })
      const lastSync = new Date().toISOString()
      // Persisted now, but published 3 minutes before the last sync.
      const [late] = sim.addEvents([{ eventType: 'user.session.start', published: new Date(Date.now() - 3 * 60_000).toISOString() }])
      const [fresh] = sim.addEvents([{ eventType: 'user.authentication.sso', published: new Date(Date.now() + 1000).toISOString() }])
      // Okta's polling filters on persistence time, so even an hour-late event shows up.
      const [veryLate] = sim.addEvents([{ eventType: 'user.authentication.auth_via_mfa', published: new Date(Date.now() - 3600_000).toISOString() }])
      const before = storage.eventList.length
      await runSync(connectorFor(sim).connector, storage, { mode: 'latest', since: lastSync })
      const uuids = storage.eventList.map((e) => e.attributes.uuid)
      assert.ok(uuids.includes(late.uuid), 'the late event is stored')
      assert.ok(uuids.includes(fresh.uuid))
      assert.ok(uuids.includes(veryLate.uuid), 'an hour-late event is stored too')
      assert.equal(storage.eventList.length, before + 3)
      assert.equal(new Set(uuids).size, uuids.length)
      // Running the same incremental sync again stores nothing new.
      await runSync(connectorFor(sim).connector, storage, { mode: 'latest', since: lastSync })
      assert.equal(storage.eventList.length, before + 3)
    })
  })
}
