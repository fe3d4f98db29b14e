'use strict'
// A faithful re-creation of the rawdash host side (the @rawdash packages are not
// installable here): a storage handle with the contract's replace/upsert
// semantics, the server's sync loop, and instantiateConnector. Used by the tests,
// the benchmark and the `rawdash-okta` command.

const HOUR_MS = 3_600_000

function assertJsonValue(value, where) {
  if (value === undefined) throw new TypeError(`${where} is undefined (attributes must be JSON values; use null)`)
  if (value === null || typeof value !== 'object') return
  for (const [k, v] of Object.entries(value)) assertJsonValue(v, `${where}.${k}`)
}

/**
 * In-memory storage with the host contract's semantics (section 4).
 * - `entity` upserts by (type, id); `event` appends.
 * - `entities(list, scope)` / `events(list, scope)` REPLACE the scope.
 * - After `signal` aborts, writes are silently dropped (the host's guard).
 * Options: `keep: false` counts records instead of keeping them (benchmarks);
 * `signal`; `validate` (default true) checks record shapes; `getEntity: false`
 * emulates an older host handle without `getEntity` (no backfill state).
 * It also records how many writes were in flight at once (`maxInFlight`).
 */
class MemoryStorage {
  constructor({ keep = true, signal, validate = true, getEntity = true } = {}) {
    if (!getEntity) this.getEntity = undefined
    this.keep = keep
    this.signal = signal
    this.validate = validate
    this.entityMap = new Map()
    this.eventList = []
    // Events by hour of start_ts, so range queries (the connector's duplicate checks)
    // stay cheap at a million events.
    this.eventIndex = new Map()
    // Metric samples (the connector's computed daily metrics), in write order.
    this.metricList = []
    this.counts = { entity: 0, event: 0, cleared: 0, dropped: 0 }
    this.inFlight = 0
    this.maxInFlight = 0
    this.calls = []
  }

  _dropped() {
    if (this.signal?.aborted) {
      this.counts.dropped++
      return true
    }
    return false
  }

  async _track(fn) {
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      await null
      return fn()
    } finally {
      this.inFlight--
    }
  }

  _checkEntity(e) {
    if (!this.validate) return
    if (!e || typeof e.type !== 'string' || typeof e.id !== 'string' || e.id === '') throw new TypeError('entity needs type and id')
    if (typeof e.updated_at !== 'number') throw new TypeError('entity.updated_at must be a number')
    assertJsonValue(e.attributes, `entity ${e.id} attributes`)
  }

  _checkEvent(e) {
    if (!this.validate) return
    if (!e || typeof e.name !== 'string' || typeof e.start_ts !== 'number') throw new TypeError('event needs name and start_ts')
    assertJsonValue(e.attributes, `event attributes`)
    if (e.end_ts === undefined) throw new TypeError('event.end_ts is undefined')
  }

  async entity(e) {
    if (this._dropped()) return
    this._checkEntity(e)
    return this._track(() => {
      this.counts.entity++
      if (!this.keep) return
      let byId = this.entityMap.get(e.type)
      if (!byId) this.entityMap.set(e.type, (byId = new Map()))
      byId.set(e.id, e)
    })
  }

  async event(e) {
    if (this._dropped()) return
    this._checkEvent(e)
    return this._track(() => {
      this.counts.event++
      if (this.keep) this._append(e)
    })
  }

  _append(e) {
    this.eventList.push(e)
    this._index(e)
  }

  _index(e) {
    const hour = Math.floor(e.start_ts / HOUR_MS)
    const bucket = this.eventIndex.get(hour)
    if (bucket) bucket.push(e)
    else this.eventIndex.set(hour, [e])
  }

  async entities(list, scope) {
    if (this._dropped()) return
    for (const e of list) this._checkEntity(e)
    return this._track(() => {
      const types = scope?.types ?? [...new Set(list.map((e) => e.type))]
      for (const t of types) this.entityMap.delete(t)
      if (types.length) this.counts.cleared++
      this.counts.entity += list.length
      this.calls.push({ op: 'entities', types, count: list.length })
      if (!this.keep) return
      for (const e of list) {
        let byId = this.entityMap.get(e.type)
        if (!byId) this.entityMap.set(e.type, (byId = new Map()))
        byId.set(e.id, e)
      }
    })
  }

  async events(list, scope) {
    if (this._dropped()) return
    for (const e of list) this._checkEvent(e)
    return this._track(() => {
      const names = new Set(scope?.names ?? list.map((e) => e.name))
      if (names.size > 0) {
        this.eventList = this.eventList.filter((e) => !names.has(e.name))
        this.eventIndex = new Map()
        for (const e of this.eventList) this._index(e)
        this.counts.cleared++
      }
      this.counts.event += list.length
      this.calls.push({ op: 'events', names: [...names], count: list.length })
      if (this.keep) for (const e of list) this._append(e)
    })
  }

  async queryEvents({ name, start, end } = {}) {
    const match = (e) => (name === undefined || e.name === name) && (start === undefined || e.start_ts >= start) && (end === undefined || e.start_ts <= end)
    if (start === undefined || end === undefined || end - start > 31 * 24 * HOUR_MS) return this.eventList.filter(match)
    const out = []
    for (let hour = Math.floor(start / HOUR_MS); hour <= Math.floor(end / HOUR_MS); hour++) {
      for (const e of this.eventIndex.get(hour) ?? []) if (match(e)) out.push(e)
    }
    return out
  }

  async getEntity(type, id) {
    return this.entityMap.get(type)?.get(id) ?? null
  }

  async queryEntities({ type } = {}) {
    if (type !== undefined) return [...(this.entityMap.get(type)?.values() ?? [])]
    return [...this.entityMap.values()].flatMap((m) => [...m.values()])
  }

  /** A handle for one sync call: same data, but writes drop once `signal` aborts. */
  guarded(signal) {
    const root = this
    const guard = (method) => (a, b) => {
      if (signal?.aborted) {
        root.counts.dropped++
        return Promise.resolve()
      }
      return root[method](a, b)
    }
    const read = (method) => (a, b) => root[method](a, b)
    const handle = {}
    for (const m of ['entity', 'event', 'entities', 'events', 'metric', 'metrics', 'edge', 'edges', 'distribution', 'distributions']) handle[m] = guard(m)
    for (const m of ['queryEvents', 'getEntity', 'queryEntities', 'queryMetrics']) if (typeof root[m] === 'function') handle[m] = read(m)
    return handle
  }

  /** Appends one metric sample `{ name, ts, value, attributes }`. */
  async metric(m) {
    if (this._dropped()) return
    return this._track(() => {
      if (this.keep) this.metricList.push(m)
    })
  }

  /**
   * Replaces the samples of `scope.names` (else of the names in `list`), only those
   * with start <= ts <= end when `scope.replaceWindow` is given, then appends `list`.
   */
  async metrics(list, scope) {
    if (this._dropped()) return
    for (const m of list) assertJsonValue(m.attributes ?? {}, `metric ${m.name} attributes`)
    return this._track(() => {
      const names = new Set(scope?.names ?? list.map((m) => m.name))
      const win = scope?.replaceWindow
      this.metricList = this.metricList.filter((m) => !names.has(m.name) || (win && (m.ts < win.start || m.ts > win.end)))
      if (this.keep) this.metricList.push(...list)
    })
  }

  /** Metric samples by name and `ts` range (inclusive), ordered by ts. */
  async queryMetrics({ name, start, end } = {}) {
    return this.metricList.filter((m) => (name === undefined || m.name === name) && (start === undefined || m.ts >= start) && (end === undefined || m.ts <= end)).sort((a, b) => a.ts - b.ts)
  }

  // Plural writers of other shapes (edges, distributions) exist on real handles;
  // the Okta connector never calls them.
  async edge() {}
  async edges() {}
  async distribution() {}
  async distributions() {}
}

/**
 * The rawdash server's loop: calls `sync()` until `done`, passing the cursor back,
 * at most `maxCalls` times; aborts everything after `timeoutMs`. A result with
 * `transientError` is retried from its cursor (up to `maxTransient` in a row).
 * `abortAfter(callIndex)` may return ms after which that call's signal fires
 * (tests simulate chunk aborts with it).
 */
async function runSync(connector, storage, options = {}, host = {}) {
  const { maxCalls = 1000, timeoutMs = 300_000, maxTransient = 20, abortAfter, onResult } = host
  const loop = new AbortController()
  const timer = setTimeout(() => loop.abort(new Error('sync loop timed out')), timeoutMs)
  const results = []
  let cursor = options.cursor
  let transientInARow = 0
  try {
    for (let call = 0; call < maxCalls; call++) {
      if (loop.signal.aborted) return { done: false, timedOut: true, calls: call, results }
      const chunk = new AbortController()
      const relay = () => chunk.abort()
      loop.signal.addEventListener('abort', relay, { once: true })
      const delay = abortAfter?.(call)
      const chunkTimer = delay === undefined || delay === null ? null : setTimeout(() => chunk.abort(), delay)
      let result
      try {
        result = await connector.sync({ ...options, cursor }, storage.guarded(chunk.signal), chunk.signal)
      } finally {
        if (chunkTimer) clearTimeout(chunkTimer)
        loop.signal.removeEventListener('abort', relay)
      }
      results.push(result)
      onResult?.(result, call)
      if (result.done) return { done: true, calls: call + 1, results }
      if (result.transientError) {
        if (++transientInARow > maxTransient) return { done: false, calls: call + 1, results, error: result.transientError }
      } else {
        transientInARow = 0
      }
      cursor = result.cursor
    }
    return { done: false, calls: maxCalls, results }
  } finally {
    clearTimeout(timer)
  }
}

/**
 * rawdash's instantiateConnector: picks `registry[entry.connectorId]` (entries are
 * `{ name, connectorId, config }`), splits `entry.config` into creds (the keys the
 * class's STATIC `credentials` names) and settings (the rest; everything when the
 * class declares no credentials), then constructs.
 */
function instantiateConnector(entry, registry, secretsResolver, logger) {
  const key = entry.connectorId ?? entry.connector ?? entry.type ?? entry.id
  const Cls = registry[key]
  if (!Cls) throw new Error(`Unknown connector ${key}`)
  const credKeys = Object.keys(Cls.credentials ?? {})
  const settings = {}
  const creds = {}
  for (const [k, v] of Object.entries(entry.config ?? {})) {
    if (credKeys.includes(k)) creds[k] = v
    else settings[k] = v
  }
  return new Cls(settings, credKeys.length ? creds : undefined, { secretsResolver, logger })
}

/** `defineConfig` of @rawdash/core: identity, for configs written as in the README. */
function defineConfig(config) {
  return config
}

const { ServerRunner } = require('./server-loop.cjs')

module.exports = { MemoryStorage, runSync, instantiateConnector, defineConfig, ServerRunner }
