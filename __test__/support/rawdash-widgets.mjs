// rawdash's widget schema and compute rules, re-created for tests (host contract
// section 7) from how @rawdash/core behaves, in our own words: `defineMetric`,
// `defineDashboard` (only the kinds stat, status, timeseries, distribution; the metric
// shape), the check of metric fields against a connector's declared `resources`, and
// the computation of a widget's value over a storage handle (what a dashboard shows).
import { z } from 'zod'

// ---------------------------------------------------------------- schema

const shape = z.enum(['event', 'entity', 'metric', 'edge', 'distribution'])
const fn = z.enum(['count', 'sum', 'avg', 'min', 'max', 'latest', 'first'])
const condition = z.object({
  field: z.string(),
  op: z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains']),
  value: z.union([z.string(), z.number(), z.boolean()]),
})
const clause = z.union([condition, z.object({ or: z.array(condition) })])
const groupBy = z.object({ field: z.string(), granularity: z.enum(['hour', 'day', 'week', 'month']) })

/** A metric as defineMetric returns it. */
export const metricSchema = z
  .object({
    connectorId: z.string(),
    shape,
    name: z.string().optional(),
    entityType: z.string().optional(),
    field: z.string().optional(),
    fn,
    window: z.string().optional(),
    filter: z.array(clause).optional(),
    groupBy: groupBy.optional(),
    label: z.string().optional(),
  })
  .refine((m) => m.fn === 'count' || m.field !== undefined, { message: 'field is required unless fn is "count"', path: ['field'] })
  .refine((m) => m.name !== undefined || m.entityType !== undefined, { message: 'either name or entityType is required to identify the data', path: ['name'] })

const metrics = z.union([metricSchema, z.array(metricSchema).min(1)])
const aggregateSchema = z.object({ fn: z.enum(['count', 'sum', 'avg', 'min', 'max']), label: z.string().optional() }).optional()
const format = z
  .object({
    kind: z.enum(['currency', 'number', 'percent', 'duration', 'bytes']),
    currency: z.string().trim().regex(/^[A-Z]{3}$/).optional(),
    decimals: z.number().int().min(0).max(20).optional(),
    compact: z.boolean().optional(),
  })
  .optional()

/** The widget kinds rawdash knows, each with its schema. There are no others. */
export const widgetSchemas = {
  stat: z.object({ kind: z.literal('stat'), title: z.string(), metric: metrics, aggregate: aggregateSchema, window: z.string().optional(), compare: z.enum(['none', 'previous-period']).default('none'), format }),
  status: z.object({ kind: z.literal('status'), title: z.string(), source: z.union([z.string(), z.array(z.string()).min(1)]) }),
  timeseries: z.object({ kind: z.literal('timeseries'), title: z.string(), metric: metrics, aggregate: aggregateSchema, window: z.string(), granularity: z.enum(['hour', 'day', 'week']).default('day'), format }),
  distribution: z.object({ kind: z.literal('distribution'), title: z.string(), metric: metrics, aggregate: aggregateSchema, window: z.string(), format }),
}

export const widgetMetrics = (widget) => (widget.kind === 'status' ? [] : Array.isArray(widget.metric) ? widget.metric : [widget.metric])

/** defineMetric: `connector` becomes `connectorId`; a `metric`-shape metric reads `value` unless told. */
export function defineMetric(options) {
  return {
    connectorId: options.connector.name,
    shape: options.shape,
    name: options.name,
    entityType: options.entityType,
    field: options.field ?? (options.shape === 'metric' ? 'value' : undefined),
    fn: options.fn,
    window: options.window,
    filter: options.filter,
    groupBy: options.groupBy,
    label: options.label,
  }
}

const messages = (error) => error.issues.map((i) => i.message).join('; ')

/** defineDashboard: throws, as rawdash does, on an unknown kind, a bad metric or a bad widget. */
export function defineDashboard({ widgets }) {
  for (const [key, widget] of Object.entries(widgets)) {
    const schema = widgetSchemas[widget?.kind]
    if (!schema) throw new Error(`Widget "${key}": unknown kind "${widget?.kind}". Must be one of: ${Object.keys(widgetSchemas).join(', ')}`)
    for (const metric of widgetMetrics(widget)) {
      const r = metricSchema.safeParse(metric)
      if (!r.success) throw new Error(`Widget "${key}" (kind "${widget.kind}"): ${messages(r.error)}`)
    }
    const r = schema.safeParse(widget)
    if (!r.success) throw new Error(`Widget "${key}" (kind "${widget.kind}"): ${messages(r.error)}`)
  }
  return { widgets }
}

// Fields every record of a shape has besides its attributes.
const IMPLICIT_FIELDS = { event: ['name', 'start_ts', 'end_ts'], entity: ['id', 'type', 'updated_at'], metric: ['name', 'ts', 'value'], edge: [], distribution: [] }

const filterFields = (filter) => (filter ?? []).flatMap((c) => ('or' in c ? c.or.map((x) => x.field) : [c.field]))

/**
 * rawdash's metric check: every metric of `connectorName` must name a resource of that
 * shape, and its field, filter fields and groupBy field must be declared in the
 * resource's `fields` (or be implicit for the shape). Returns the error messages.
 */
export function validateMetrics(dashboards, resources, connectorName = 'okta') {
  const errors = []
  for (const [dashboardKey, dashboard] of Object.entries(dashboards)) {
    for (const [widgetKey, widget] of Object.entries(dashboard.widgets)) {
      for (const metric of widgetMetrics(widget)) {
        if (metric.connectorId !== connectorName) continue
        const ref = `Dashboard "${dashboardKey}", widget "${widgetKey}"`
        const name = metric.shape === 'entity' ? metric.entityType ?? metric.name : metric.name ?? metric.entityType
        const resource = resources[name]
        if (!resource) {
          errors.push(`${ref}: references unknown ${metric.shape} "${name}"`)
          continue
        }
        if (resource.shape !== metric.shape) {
          errors.push(`${ref}: declares shape "${metric.shape}" but resource "${name}" is a "${resource.shape}"`)
          continue
        }
        const declared = resource.shape === 'metric' ? [...(resource.dimensions ?? []), ...(resource.measures ?? [])] : resource.fields
        if (!declared) continue
        const valid = new Set([...declared.map((f) => f.name), ...IMPLICIT_FIELDS[metric.shape]])
        const check = (field, label) => {
          if (field !== undefined && !valid.has(field)) errors.push(`${ref}: ${label} "${field}" is not a field of ${metric.shape} "${name}"`)
        }
        check(metric.field, 'field')
        for (const f of filterFields(metric.filter)) check(f, 'filter field')
        if (metric.groupBy) check(metric.groupBy.field, 'groupBy field')
      }
    }
  }
  return errors
}

// ---------------------------------------------------------------- compute

const WINDOW_UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 604_800_000, m: 2_592_000_000 }

export function parseWindowMs(text) {
  const m = /^(\d+)(h|d|w|m)$/.exec(String(text))
  return m ? Number.parseInt(m[1], 10) * WINDOW_UNIT_MS[m[2]] : null
}

/** The bucket label of `ts`: hour ISO, day YYYY-MM-DD, week (from Sunday) YYYY-MM-DD, month YYYY-MM. */
export function bucketKey(ts, granularity) {
  const d = new Date(ts)
  if (granularity === 'hour') {
    d.setUTCMinutes(0, 0, 0)
    return d.toISOString()
  }
  if (granularity === 'week') d.setUTCDate(d.getUTCDate() - d.getUTCDay())
  if (granularity === 'month') {
    d.setUTCDate(1)
    d.setUTCHours(0, 0, 0, 0)
    return d.toISOString().slice(0, 7)
  }
  d.setUTCHours(0, 0, 0, 0)
  return d.toISOString().slice(0, 10)
}

function matches(record, c) {
  const v = record[c.field]
  switch (c.op) {
    case 'eq':
      return v === c.value
    case 'neq':
      return v !== c.value
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      // Ordering compares numbers only: anything else never matches.
      if (typeof v !== 'number' || typeof c.value !== 'number') return false
      return c.op === 'gt' ? v > c.value : c.op === 'gte' ? v >= c.value : c.op === 'lt' ? v < c.value : v <= c.value
    }
    case 'contains':
      // On the value's string form (an array's too: "a,b").
      return v !== undefined && v !== null && String(v).includes(String(c.value))
    default:
      return false
  }
}

/** Every clause must hold; an `or` clause holds when one of its conditions does. */
export function applyFilter(record, filter) {
  return (filter ?? []).every((c) => ('or' in c ? c.or.some((x) => matches(record, x)) : matches(record, c)))
}

/** count, sum, avg, min, max over numbers; latest / first by the timestamp order. */
function aggregate(records, field, fnName) {
  if (fnName === 'count') return records.length
  if (field === undefined) throw new Error(`fn "${fnName}" requires a field`)
  if (fnName === 'latest') return records.at(-1)?.[field] ?? null
  if (fnName === 'first') return records[0]?.[field] ?? null
  const values = records.map((r) => r[field]).filter((v) => v !== undefined && v !== null)
  const bad = values.find((v) => typeof v !== 'number')
  if (bad !== undefined) throw new Error(`fn "${fnName}" requires numeric values for field "${field}", got ${typeof bad} (${String(bad)})`)
  if (values.length === 0) return fnName === 'sum' ? 0 : null
  if (fnName === 'sum') return values.reduce((a, b) => a + b, 0)
  if (fnName === 'avg') return values.reduce((a, b) => a + b, 0) / values.length
  if (fnName === 'min') return values.reduce((a, b) => (b < a ? b : a))
  if (fnName === 'max') return values.reduce((a, b) => (b > a ? b : a))
  return null
}

const TS_FIELD = { event: 'start_ts', metric: 'ts', distribution: 'ts', entity: 'updated_at', edge: 'updated_at' }

/** The records a metric reads, flattened as rawdash flattens them (attributes plus the record's own fields). */
async function recordsOf(storage, metric, windowStart) {
  const name = metric.name ?? metric.entityType
  switch (metric.shape) {
    case 'event':
      return (await storage.queryEvents({ name, start: windowStart })).map((e) => ({ ...e.attributes, name: e.name, start_ts: e.start_ts, end_ts: e.end_ts }))
    case 'entity': {
      const list = (await storage.queryEntities({ type: metric.entityType ?? metric.name ?? '' })).map((e) => ({ ...e.attributes, type: e.type, id: e.id, updated_at: e.updated_at }))
      return windowStart === undefined ? list : list.filter((r) => r.updated_at >= windowStart)
    }
    case 'metric':
      return (await storage.queryMetrics({ name, start: windowStart })).map((m) => ({ ...m.attributes, name: m.name, ts: m.ts, value: m.value }))
    case 'edge': {
      const list = (await storage.traverse({ kind: metric.name })).map((e) => ({ ...e.attributes, from_type: e.from_type, from_id: e.from_id, kind: e.kind, to_type: e.to_type, to_id: e.to_id, updated_at: e.updated_at }))
      return windowStart === undefined ? list : list.filter((r) => r.updated_at >= windowStart)
    }
    case 'distribution':
      return (await storage.queryDistributions({ name, start: windowStart })).map((d) => ({ ...d.attributes, name: d.name, ts: d.ts, kind: d.kind, data: d.data }))
    default:
      return null
  }
}

/**
 * What rawdash shows for one metric: read the records (from `now - metric.window` when
 * the metric has a window; the widget's window only drives the fetch), filter, order by
 * the shape's timestamp, then aggregate, or per `groupBy` bucket `[{ date, value }]`.
 */
export async function computeMetric(storage, metric, { now = Date.now() } = {}) {
  const windowMs = metric.window ? parseWindowMs(metric.window) : null
  const windowStart = windowMs !== null ? now - windowMs : undefined
  const records = await recordsOf(storage, metric, windowStart)
  if (records === null) return null
  const ts = TS_FIELD[metric.shape]
  const sorted = records.filter((r) => applyFilter(r, metric.filter)).sort((a, b) => a[ts] - b[ts])
  if (!metric.groupBy) return aggregate(sorted, metric.field, metric.fn)
  const groups = new Map()
  for (const r of sorted) {
    const t = r[metric.groupBy.field]
    if (typeof t !== 'number') continue
    const key = bucketKey(t, metric.groupBy.granularity)
    if (!groups.has(key)) groups.set(key, [])
    groups.get(key).push(r)
  }
  return [...groups.entries()].map(([date, list]) => ({ date, value: aggregate(list, metric.field, metric.fn) })).sort((a, b) => (a.date < b.date ? -1 : 1))
}

/** A widget's value: its metric's (an array for a multi-metric widget); null for status widgets. */
export async function computeWidget(storage, widget, options) {
  if (widget.kind === 'status') return null
  if (Array.isArray(widget.metric)) return Promise.all(widget.metric.map((m) => computeMetric(storage, m, options)))
  return computeMetric(storage, widget.metric, options)
}

/** Every widget of a dashboard: `{ widgetId: value }`. */
export async function computeDashboard(storage, dashboard, options) {
  const out = {}
  for (const [id, widget] of Object.entries(dashboard.widgets)) out[id] = await computeWidget(storage, widget, options)
  return out
}

/** The same value computed over plain records (the truth side of a comparison): `{ event: [...], entity: [...] }` by shape. */
export function computeOver(records, metric, { now = Date.now() } = {}) {
  const store = {
    queryEvents: async ({ name, start }) => (records.events ?? []).filter((e) => e.name === name && (start === undefined || e.start_ts >= start)),
    queryEntities: async ({ type }) => (records.entities ?? []).filter((e) => e.type === type),
    queryMetrics: async ({ name, start }) => (records.metrics ?? []).filter((m) => m.name === name && (start === undefined || m.ts >= start)),
    traverse: async ({ kind }) => (records.edges ?? []).filter((e) => kind === undefined || e.kind === kind),
    queryDistributions: async () => [],
  }
  return computeMetric(store, metric, { now })
}
