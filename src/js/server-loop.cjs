'use strict'
// rawdash's server sync runner, re-created from the host contract (section 3) for
// tests, the benchmark and users checking their own configs: it picks the mode
// from its own records, gives a whole run one timeout, and on timeout aborts,
// records a failure and throws the cursor away.

const DAY_MS = 24 * 3600 * 1000

/**
 * One connector instance as rawdash's server schedules it.
 * Options: `timeoutMs` (300000: the whole run, all its sync() calls), `maxCalls`
 * (1000), `requiredWindowMs` (widest widget window per resource name, e.g.
 * `{ okta_auth_event: 30 * DAY }`), `fetchSpecs`, `resources`, `backfillEveryMs`
 * (3600000: a full run again this long after the last successful full run, when a
 * widget declares a window), `now` (clock, for scaled time).
 */
class ServerRunner {
  constructor(connector, storage, options = {}) {
    this.connector = connector
    this.storage = storage
    this.options = { timeoutMs: 300_000, maxCalls: 1000, requiredWindowMs: {}, backfillEveryMs: 3_600_000, now: () => Date.now(), ...options }
    /** The server's records: one per run. */
    this.runs = []
    this.lastSuccessAt = null
    this.lastFullAt = null
  }

  /** The widest declared window in ms, or 0. */
  widestWindowMs() {
    return Math.max(0, ...Object.values(this.options.requiredWindowMs ?? {}).filter((w) => typeof w === 'number'))
  }

  /** The mode and since the server would choose now. */
  choose(now) {
    const widest = this.widestWindowMs()
    const backfillDue = widest > 0 && (this.lastFullAt === null || now - this.lastFullAt >= this.options.backfillEveryMs)
    if (this.lastSuccessAt === null || backfillDue) {
      return { mode: 'full', since: widest > 0 ? new Date(now - widest - DAY_MS).toISOString() : undefined }
    }
    return { mode: 'latest', since: new Date(this.lastSuccessAt).toISOString() }
  }

  /** One scheduled run: sync() until done, within the whole-run timeout. */
  async run() {
    const { timeoutMs, maxCalls, requiredWindowMs, fetchSpecs, resources, now } = this.options
    const startedAt = now()
    const { mode, since } = this.choose(startedAt)
    const controller = new AbortController()
    const handle = this.storage.guarded(controller.signal)
    let timer
    const timedOut = new Promise((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new Error('sync timed out'))
        resolve('timeout')
      }, timeoutMs)
    })
    const record = { mode, since, startedAt, ok: false, calls: 0, error: null }
    let cursor
    let pending = null
    try {
      for (; record.calls < maxCalls; record.calls++) {
        pending = this.connector.sync(
          { mode, since, cursor, requiredWindowMs, fetchSpecs, resources: resources ? new Set(resources) : undefined },
          handle,
          controller.signal,
        )
        const result = await Promise.race([pending, timedOut])
        if (result === 'timeout') {
          record.error = 'timeout'
          break
        }
        pending = null
        if (result.done) {
          record.ok = true
          break
        }
        cursor = result.cursor
      }
      if (!record.ok && !record.error) record.error = 'too many calls'
    } catch (err) {
      record.error = err
    } finally {
      clearTimeout(timer)
      // The real server does not wait for an abandoned call (its writes are dropped
      // by the guard); waiting keeps runs of a test from overlapping.
      if (pending) await pending.catch(() => {})
    }
    record.ms = now() - startedAt
    if (record.ok) {
      this.lastSuccessAt = startedAt
      if (mode === 'full') this.lastFullAt = startedAt
    }
    this.runs.push(record)
    return record
  }
}

module.exports = { ServerRunner }
