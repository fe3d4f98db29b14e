'use strict'
// rawdash's server sync runner, re-created for tests, the benchmark and users checking
// their own configs (host contract sections 3 and 7). Written from how rawdash's
// repository behaves (packages/server/src/sync.ts, packages/core/src/plan-sync.ts and
// backfill-window.ts), in our own words:
// - what to sync comes from the dashboards: the resources widgets reference and one
//   fetch spec per distinct widget filter (a spec without a window makes its group
//   unbounded); a connector no widget references is not synced at all;
// - the mode: the released server (0.28.x) runs every sync `full`; the next one plans
//   (`full` first, and when a window is due hourly; `latest` since the last success);
// - full mode's `since` is connector-wide: now - the widest window of ANY resource - 1 day;
// - the loop calls sync() until done, passing the cursor back, ignoring transientError,
//   at most 1000 calls, the whole run aborted after 300 s; success is stamped at the END.

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
/** rawdash adds this to the widest window for full mode's `since`. */
const BACKFILL_BUFFER_MS = DAY_MS
/** How often the next server runs a due backfill (full mode). */
const BACKFILL_CADENCE_MS = HOUR_MS
const WINDOW_UNIT_MS = { h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS, m: 30 * DAY_MS }

/** A widget window such as `30d` in ms; undefined when it does not parse (rawdash then ignores it). */
function parseWindowMs(text) {
  if (typeof text !== 'string') return undefined
  const m = /^(\d+)(h|d|w|m)$/.exec(text)
  return m ? Number.parseInt(m[1], 10) * WINDOW_UNIT_MS[m[2]] : undefined
}

/** The metrics of a widget (none for a status widget). */
function widgetMetrics(widget) {
  if (!widget || widget.kind === 'status') return []
  if (Array.isArray(widget.metric)) return widget.metric
  return widget.metric ? [widget.metric] : []
}

/** The connector a metric reads: `connectorId` (what defineMetric makes), else `connector.name`. */
function metricConnector(metric) {
  return metric.connectorId ?? metric.connector?.name
}

/**
 * What one widget asks of connectors: `{ connector, resource, windowMs, filter }` per
 * metric. A status widget references its sources without a resource. A stat widget's
 * window is its own or its metric's; other kinds use the widget's window only.
 */
function widgetRefs(widget) {
  if (widget?.kind === 'status') {
    const sources = Array.isArray(widget.source) ? widget.source : [widget.source]
    return sources.map((connector) => ({ connector, resource: undefined, windowMs: undefined, filter: undefined }))
  }
  return widgetMetrics(widget).map((metric) => {
    const text = widget.kind === 'stat' ? widget.window ?? metric.window : widget.window
    return {
      connector: metricConnector(metric),
      resource: metric.name ?? metric.entityType,
      windowMs: text ? parseWindowMs(text) : undefined,
      filter: metric.filter,
    }
  })
}

// Two widget filters are the same fetch when their clauses are the same set: each
// condition keyed as "field op value", an `or` clause by its sorted conditions.
const conditionKey = (c) => `${c.field} ${c.op} ${String(c.value)}`
const clauseKey = (clause) => ('or' in clause ? `or(${clause.or.map(conditionKey).sort().join('|')})` : conditionKey(clause))
const filterKey = (filter) => (filter && filter.length ? filter.map(clauseKey).sort().join('&') : '')

/**
 * One spec per distinct filter: the widest window among the specs of that filter, and
 * no window at all when any of them has none (that group wants everything).
 */
function mergeSpecs(specs) {
  const groups = new Map()
  for (const spec of specs) {
    const key = filterKey(spec.filter)
    const group = groups.get(key)
    if (!group) {
      groups.set(key, { filter: spec.filter, windowMs: spec.requiredWindowMs, unbounded: spec.requiredWindowMs === undefined })
    } else if (spec.requiredWindowMs === undefined) {
      group.unbounded = true
    } else if (group.windowMs === undefined || spec.requiredWindowMs > group.windowMs) {
      group.windowMs = spec.requiredWindowMs
    }
  }
  return [...groups.values()].map((g) => {
    const out = {}
    if (g.filter !== undefined) out.filter = g.filter
    if (!g.unbounded && g.windowMs !== undefined) out.requiredWindowMs = g.windowMs
    return out
  })
}

/** `dashboards` may be the config (`{ dashboards }`) or its dashboards record. */
function dashboardsOf(input) {
  if (input && typeof input === 'object' && input.dashboards && typeof input.dashboards === 'object') return input.dashboards
  return input ?? {}
}

/**
 * Per connector name, per resource name, its merged fetch specs. A connector that only
 * a status widget references is present with no resources.
 */
function connectorBackfill(dashboards) {
  const raw = new Map()
  for (const dashboard of Object.values(dashboardsOf(dashboards))) {
    for (const widget of Object.values(dashboard?.widgets ?? {})) {
      for (const ref of widgetRefs(widget)) {
        let byResource = raw.get(ref.connector)
        if (!byResource) raw.set(ref.connector, (byResource = new Map()))
        if (ref.resource === undefined) continue
        const spec = {}
        if (ref.filter !== undefined) spec.filter = ref.filter
        if (ref.windowMs !== undefined) spec.requiredWindowMs = ref.windowMs
        if (byResource.has(ref.resource)) byResource.get(ref.resource).push(spec)
        else byResource.set(ref.resource, [spec])
      }
    }
  }
  const out = new Map()
  for (const [connector, byResource] of raw) {
    out.set(connector, new Map([...byResource].map(([resource, specs]) => [resource, mergeSpecs(specs)])))
  }
  return out
}

/** `options.fetchSpecs` for one connector (`{}` when only status widgets reference it), or undefined. */
function fetchSpecsForConnector(dashboards, connectorName) {
  const byResource = connectorBackfill(dashboards).get(connectorName)
  return byResource ? Object.fromEntries(byResource) : undefined
}

/** Whether any fetch spec declares a (positive) window. */
function hasRequiredWindow(fetchSpecs) {
  return Object.values(fetchSpecs ?? {}).some((specs) => specs.some((s) => typeof s.requiredWindowMs === 'number' && s.requiredWindowMs > 0))
}

/** The widest window over every resource's specs (ms), or undefined. */
function widestWindowMs(fetchSpecs) {
  let widest
  for (const specs of Object.values(fetchSpecs ?? {})) {
    for (const { requiredWindowMs } of specs) {
      if (requiredWindowMs !== undefined && (widest === undefined || requiredWindowMs > widest)) widest = requiredWindowMs
    }
  }
  return widest
}

/**
 * The next server's plan (times in ms): `full` on the first run and when a window is
 * due (no backfill yet, or the last one `cadenceMs` ago or more), else `latest` with
 * `since` = the last success. `backfillDue` says whether a success stamps the backfill.
 */
function planSync({ lastSyncAt, lastBackfillAt, fetchSpecs, now, cadenceMs = BACKFILL_CADENCE_MS }) {
  const hasWindow = hasRequiredWindow(fetchSpecs)
  if (lastSyncAt == null) return { mode: 'full', backfillDue: hasWindow }
  const backfillDue = hasWindow && (lastBackfillAt == null || now - lastBackfillAt >= cadenceMs)
  return backfillDue ? { mode: 'full', backfillDue } : { mode: 'latest', since: new Date(lastSyncAt).toISOString(), backfillDue }
}

/** `{ okta_auth_event: ms }` (the old harness option) as fetch specs. */
function specsFromWindows(requiredWindowMs) {
  const out = {}
  for (const [resource, ms] of Object.entries(requiredWindowMs ?? {})) if (typeof ms === 'number') out[resource] = [{ requiredWindowMs: ms }]
  return out
}

/**
 * One connector instance as rawdash's server schedules it. See host.d.ts
 * (`ServerRunnerOptions`) for the options.
 */
class ServerRunner {
  constructor(connector, storage, options = {}) {
    this.connector = connector
    this.storage = storage
    const o = {
      policy: 'next',
      timeoutMs: 300_000,
      maxCalls: 1000,
      cadenceMs: options.backfillEveryMs ?? BACKFILL_CADENCE_MS,
      connectorState: true,
      settleMs: 60_000,
      now: () => Date.now(),
      ...options,
    }
    if (o.policy !== 'next' && o.policy !== 'released') throw new TypeError(`policy must be 'next' or 'released' (got ${o.policy})`)
    this.options = o
    this.name = o.connectorName ?? o.name ?? 'okta'
    if (o.dashboards !== undefined) {
      // As rawdash does: everything comes from the widgets.
      const byResource = connectorBackfill(o.dashboards).get(this.name)
      this.referenced = byResource !== undefined
      /** The resource names the widgets reference (always a Set, possibly empty). */
      this.resources = new Set(byResource ? byResource.keys() : [])
      /** Per resource, its merged fetch specs. */
      this.fetchSpecs = byResource ? Object.fromEntries(byResource) : undefined
    } else {
      // The older harness options, kept for callers that pass them directly.
      this.referenced = true
      this.resources = o.resources ? new Set(o.resources) : undefined
      this.fetchSpecs = o.fetchSpecs ?? (o.requiredWindowMs ? specsFromWindows(o.requiredWindowMs) : undefined)
    }
    /** One record per run, oldest first. */
    this.runs = []
    /** End of the last successful run (ms), or null. */
    this.lastSyncAt = null
    /** End of the last successful run that was a due backfill (ms), or null. */
    this.lastBackfillAt = null
  }

  /** The widest window over all of the connector's resources (ms), or 0. */
  widestWindowMs() {
    return widestWindowMs(this.fetchSpecs) ?? 0
  }

  /** The mode, since and whether it is a due backfill, as the server would choose at `now`. */
  choose(now) {
    const widest = widestWindowMs(this.fetchSpecs)
    const windowedSince = widest !== undefined ? new Date(now - widest - BACKFILL_BUFFER_MS).toISOString() : undefined
    const { policy, connectorState, cadenceMs } = this.options
    if (policy === 'released') return { mode: 'full', since: windowedSince, backfillDue: hasRequiredWindow(this.fetchSpecs) }
    const plan = connectorState
      ? planSync({ lastSyncAt: this.lastSyncAt, lastBackfillAt: this.lastBackfillAt, fetchSpecs: this.fetchSpecs, now, cadenceMs })
      : planSync({ lastSyncAt: null, lastBackfillAt: null, fetchSpecs: this.fetchSpecs, now })
    return { mode: plan.mode, since: plan.mode === 'full' ? windowedSince : plan.since, backfillDue: plan.backfillDue }
  }

  /** One scheduled run: sync() until done, within the whole-run timeout. */
  async run() {
    const { timeoutMs, maxCalls, now, policy, connectorState, settleMs } = this.options
    const name = this.name
    const startedAt = now()
    const base = { connector: name, policy, startedAt, endedAt: startedAt, ok: false, calls: 0, transientErrors: 0, error: null, thrown: null, ms: 0 }
    if (!this.referenced) {
      const skipped = { ...base, skipped: true, mode: null, since: undefined, backfillDue: false, reason: `no widget references connector "${name}"` }
      this.runs.push(skipped)
      return skipped
    }
    const { mode, since, backfillDue } = this.choose(startedAt)
    const record = { ...base, skipped: false, mode, since, backfillDue }
    const controller = new AbortController()
    const handle = typeof this.storage?.guarded === 'function' ? this.storage.guarded(controller.signal) : this.storage
    let timer
    const timeout = new Promise((_resolve, reject) => {
      timer = setTimeout(() => {
        controller.abort()
        const err = new Error(`${name} timed out after ${timeoutMs}ms`)
        err.name = 'AbortError'
        reject(err)
      }, timeoutMs)
    })
    timeout.catch(() => {})
    let pending = null
    try {
      let cursor
      for (;;) {
        if (record.calls >= maxCalls) {
          controller.abort()
          throw new Error(`${name} exceeded ${maxCalls} sync chunks without completing`)
        }
        record.calls++
        pending = Promise.resolve(this.connector.sync({ mode, since, cursor, resources: this.resources, fetchSpecs: this.fetchSpecs }, handle, controller.signal))
        const result = await Promise.race([pending, timeout])
        pending = null
        // The server ignores transientError: it calls again at once from the cursor.
        if (result?.transientError !== undefined && result?.transientError !== null) record.transientErrors++
        if (result?.done) break
        cursor = result?.cursor
      }
      record.ok = true
    } catch (err) {
      record.thrown = err
      record.error = err instanceof Error && err.name === 'AbortError' ? `${name} timed out after ${timeoutMs}ms` : err instanceof Error ? err.message : String(err)
    } finally {
      clearTimeout(timer)
    }
    record.endedAt = now()
    record.ms = record.endedAt - startedAt
    // The server stamps success when the run has finished: its END time.
    if (record.ok && connectorState) {
      this.lastSyncAt = record.endedAt
      if (backfillDue) this.lastBackfillAt = record.endedAt
    }
    this.runs.push(record)
    if (pending) {
      // The real server does not wait for an abandoned call (the guard drops its
      // writes); waiting (bounded) keeps one test's runs from overlapping.
      const t0 = Date.now()
      let cap
      await Promise.race([pending.catch(() => {}), new Promise((resolve) => (cap = setTimeout(resolve, settleMs)))])
      clearTimeout(cap)
      record.settledMs = Date.now() - t0
    }
    return record
  }
}

module.exports = {
  ServerRunner,
  planSync,
  connectorBackfill,
  fetchSpecsForConnector,
  mergeSpecs,
  parseWindowMs,
  widgetRefs,
  BACKFILL_BUFFER_MS,
  BACKFILL_CADENCE_MS,
}
