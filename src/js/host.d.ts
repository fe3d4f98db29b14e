// Types of @rawdash/connector-okta/host: a stand-in for the rawdash host side
// (in-memory storage with the contract's semantics, the server's sync loop and
// instantiateConnector), for testing your own rawdash configs and connectors
// without a rawdash server.
import type { StorageHandle, SyncOptions, SyncResult, ConnectorLogger, OktaContext } from '../../index.js'

/** A stored entity (`storage.entity(e)`). */
/**
 * What test harnesses may add to the connector's constructor context (not part of
 * the host contract, so not of `OktaContext`): budgets scaled to a harness's clock
 * and retry tuning. README, "Time budgets for harnesses".
 */
export interface OktaHarnessContext extends OktaContext {
  /** Chunk budget per `sync()` call in ms (default 30000). */
  chunkBudgetMs?: number
  /** Run budget in ms, overriding `syncBudgetSeconds`. */
  syncBudgetMs?: number
  /** Retry bounds and the page cap of one Link chain. */
  retry?: { maxAttempts?: number; maxRateLimitWaits?: number; minDelayMs?: number; maxDelayMs?: number; maxElapsedMs?: number; maxChainPages?: number }
}

export interface EntityRecord {
  type: string
  id: string
  attributes: Record<string, unknown>
  updated_at: number
}

/** A metric sample (`storage.metrics(list, scope)`): `ts` in Unix ms. */
export interface MetricSample {
  name: string
  ts: number
  value: number | null
  attributes: Record<string, unknown>
}

/** A stored event (`storage.event(e)`). */
export interface EventRecord {
  name: string
  start_ts: number
  end_ts: number | null
  attributes: Record<string, unknown>
}

/** Options of `new MemoryStorage()`. */
export interface MemoryStorageOptions {
  /** Keep records (default) or only count them (`false`, for large benchmarks). */
  keep?: boolean
  /** After it aborts, writes are silently dropped, as a host's guard does. */
  signal?: AbortSignal
  /** Check record shapes (`undefined` attributes, missing ids): default true. */
  validate?: boolean
  /** `false` emulates an older host handle without `getEntity` (no backfill state). */
  getEntity?: boolean
}

/** The storage handle of one `sync()` call, with the readers the connector may use. */
export interface GuardedStorage extends StorageHandle {
  queryEvents(q?: { name?: string; start?: number; end?: number }): Promise<EventRecord[]>
  getEntity(type: string, id: string): Promise<EntityRecord | null>
  queryEntities(q?: { type?: string }): Promise<EntityRecord[]>
}

/**
 * In-memory storage with the host contract's semantics: `entity` upserts by
 * `(type, id)`, `event` appends, `entities(list, scope)` / `events(list, scope)`
 * replace their scope, and writes after the signal aborts are dropped.
 */
export declare class MemoryStorage {
  constructor(options?: MemoryStorageOptions)
  /** Records written (singular and plural writes), scope clears and writes dropped after an abort. */
  readonly counts: { entity: number; event: number; cleared: number; dropped: number }
  /** The most writes that were in flight at once (a connector should keep it at 1). */
  readonly maxInFlight: number
  /** Upserts one entity by `(type, id)`. */
  entity(e: EntityRecord): Promise<void>
  /** Appends one event. */
  event(e: EventRecord): Promise<void>
  /** Replaces every entity of the scope's types (or of the types in `list`) with `list`. */
  entities(list: EntityRecord[], scope?: { types: string[] }): Promise<void>
  /** Replaces every event of the scope's names (or of the names in `list`) with `list`. */
  events(list: EventRecord[], scope?: { names: string[] }): Promise<void>
  /** Events by name and `start_ts` range (inclusive). */
  queryEvents(q?: { name?: string; start?: number; end?: number }): Promise<EventRecord[]>
  /** One entity, or null. */
  getEntity(type: string, id: string): Promise<EntityRecord | null>
  /** Every entity, or those of one type. */
  queryEntities(q?: { type?: string }): Promise<EntityRecord[]>
  /** Replaces metric samples of the scope's names (only `start <= ts <= end` with `replaceWindow`), then appends `list`. */
  metrics(list: MetricSample[], scope?: { names?: string[]; replaceWindow?: { start: number; end: number } }): Promise<void>
  /** Metric samples by name and `ts` range (inclusive), ordered by ts. */
  queryMetrics(q?: { name?: string; start?: number; end?: number }): Promise<MetricSample[]>
  /** A handle on the same data whose writes are dropped once `signal` aborts. */
  guarded(signal?: AbortSignal): GuardedStorage
}

/** Anything with the contract's `sync()`. */
export interface SyncableConnector {
  sync(options: SyncOptions, storage: StorageHandle, signal?: AbortSignal): Promise<SyncResult>
}

/** How the loop behaves, as rawdash's server does by default. */
export interface RunSyncHostOptions {
  /** Most `sync()` calls (default 1000). */
  maxCalls?: number
  /** The whole loop is aborted after this many ms (default 300000). */
  timeoutMs?: number
  /** Most results with `transientError` in a row before giving up (default 20). */
  maxTransient?: number
  /** Ms after which call number `call`'s signal fires (simulates chunk aborts). */
  abortAfter?(call: number): number | null | undefined
  /** Called with every `sync()` result. */
  onResult?(result: SyncResult, call: number): void
}

/** The outcome of `runSync`. */
export interface RunSyncResult {
  done: boolean
  calls: number
  results: SyncResult[]
  /** The loop's time budget ran out. */
  timedOut?: boolean
  /** The last transient error when `maxTransient` was exceeded. */
  error?: unknown
}

/**
 * rawdash's server loop: calls `connector.sync()` until `done`, passing the cursor
 * back, within `host.timeoutMs` and `host.maxCalls`.
 */
export declare function runSync(
  connector: SyncableConnector,
  storage: MemoryStorage,
  options?: Partial<SyncOptions>,
  host?: RunSyncHostOptions,
): Promise<RunSyncResult>

/** A connector entry of a rawdash config: `{ name, connectorId, config }`. */
export interface ConnectorEntryLike {
  name?: string
  connectorId?: string
  config?: Record<string, unknown>
}

/** A connector class as a registry holds it. */
export interface ConnectorClassLike {
  new (settings: any, creds?: any, ctx?: { secretsResolver?: { resolve(name: string): unknown }; logger?: ConnectorLogger }): SyncableConnector
  readonly credentials?: Record<string, unknown>
}

/**
 * rawdash's `instantiateConnector`: picks `registry[entry.connectorId]`, splits
 * `entry.config` into credentials (the keys the class's static `credentials` names)
 * and settings, and constructs the connector.
 */
export declare function instantiateConnector<C extends ConnectorClassLike>(
  entry: ConnectorEntryLike,
  registry: Record<string, C>,
  secretsResolver?: { resolve(name: string): unknown },
  logger?: ConnectorLogger,
): InstanceType<C>

/** `defineConfig` of @rawdash/core at runtime: returns its argument. */
export declare function defineConfig<T>(config: T): T

/** A storage handle as rawdash's server hands it to one run (writes dropped after `signal`). */
export interface GuardableStorage {
  guarded(signal?: AbortSignal): StorageHandle
}

/** A widget filter clause (rawdash's `FilterClause`). */
export type HostFilterClause = NonNullable<NonNullable<SyncOptions['fetchSpecs']>[string][number]['filter']>[number]

/** One fetch spec: a distinct widget filter and its window (none: everything). */
export interface HostFetchSpec {
  filter?: HostFilterClause[]
  requiredWindowMs?: number
}

/** A widget as rawdash's config holds it (only what the runner reads). */
export interface HostWidgetLike {
  kind: string
  window?: string
  /** status widgets: the connector name(s). */
  source?: string | string[]
  /** A metric from defineMetric (`connectorId`), or with `connector: { name }`. */
  metric?: HostMetricLike | HostMetricLike[]
  [key: string]: unknown
}

export interface HostMetricLike {
  connectorId?: string
  connector?: { name: string }
  shape?: string
  name?: string
  entityType?: string
  window?: string
  filter?: HostFilterClause[]
  [key: string]: unknown
}

/** rawdash's `dashboards`: `{ name: { widgets: { id: widget } } }`. */
export type HostDashboards = Record<string, { widgets: Record<string, HostWidgetLike> }>

/** Options of `new ServerRunner()`: rawdash's server defaults unless set. */
export interface ServerRunnerOptions {
  /**
   * The dashboards (or the whole config `{ dashboards }`): `resources` and `fetchSpecs`
   * are derived from them as rawdash does. A connector no widget references is not synced.
   */
  dashboards?: HostDashboards | { dashboards: HostDashboards }
  /** The connector entry's `name` that widgets reference (default `'okta'`). */
  connectorName?: string
  /**
   * `'next'` (default): rawdash's planSync (full on the first run and when a window is
   * due, else latest since the last success's end). `'released'` (0.28.x): every run full.
   */
  policy?: 'next' | 'released'
  /** How often a due backfill runs full (default 3600000; `backfillEveryMs` is an alias). */
  cadenceMs?: number
  backfillEveryMs?: number
  /** `false`: a storage without the connector-state methods (every run full). Default true. */
  connectorState?: boolean
  /** One run's whole budget, all its `sync()` calls (default 300000). */
  timeoutMs?: number
  /** Most `sync()` calls of a run (default 1000). */
  maxCalls?: number
  /** How long `run()` waits for a call abandoned at the timeout to return (default 60000). */
  settleMs?: number
  /** The clock (default `Date.now`), for scaled time. */
  now?(): number
  /** Without `dashboards`: fetch specs passed as given (older harness option). */
  fetchSpecs?: Record<string, HostFetchSpec[]>
  /** Without `dashboards`: the widest window per resource, turned into fetch specs (never passed to sync()). */
  requiredWindowMs?: Record<string, number>
  /** Without `dashboards`: resource names passed as `options.resources`. */
  resources?: string[]
}

/** What the server recorded about one run. */
export interface ServerRunRecord {
  connector: string
  policy: 'next' | 'released'
  /** `null` when skipped. */
  mode: 'full' | 'latest' | null
  since?: string
  /** The run was a due backfill (a success stamps `lastBackfillAt`). */
  backfillDue: boolean
  /** No widget references the connector: nothing was called. */
  skipped: boolean
  reason?: string
  startedAt: number
  /** When the server considered the run over (success, failure or timeout). */
  endedAt: number
  ms: number
  /** The run finished (`{ done: true }`) within its timeout. */
  ok: boolean
  calls: number
  /** Results that carried `transientError` (ignored by the server). */
  transientErrors: number
  /** The failure as rawdash records it: the thrown message, or "<name> timed out after <ms>ms". */
  error: string | null
  /** The thrown error itself (its `kind`, `code`), or the timeout's AbortError. */
  thrown: unknown
  /** After a timeout: how long the abandoned call took to return. */
  settledMs?: number
}

/**
 * rawdash's server sync runner. `resources` and `fetchSpecs` come from the dashboards
 * (one spec per distinct widget filter); the mode from the policy; full mode's `since`
 * is now - the widest window over all resources - 1 day. It calls `sync()` until done
 * (cursor passed back, `transientError` ignored, at most `maxCalls`), aborts the whole
 * run after `timeoutMs`, and stamps success at the run's end.
 */
export declare class ServerRunner {
  constructor(connector: SyncableConnector, storage: GuardableStorage | StorageHandle, options?: ServerRunnerOptions)
  /** The connector name the runner schedules. */
  readonly name: string
  /** Whether any widget references the connector (else runs are skipped). */
  readonly referenced: boolean
  /** The resource names passed as `options.resources` (a Set, possibly empty). */
  readonly resources: ReadonlySet<string> | undefined
  /** The fetch specs passed as `options.fetchSpecs`. */
  readonly fetchSpecs: Record<string, HostFetchSpec[]> | undefined
  /** One record per run, oldest first. */
  readonly runs: ServerRunRecord[]
  /** End of the last successful run (ms), or null. */
  lastSyncAt: number | null
  /** End of the last successful due backfill (ms), or null. */
  lastBackfillAt: number | null
  /** The widest window over all resources (ms), or 0. */
  widestWindowMs(): number
  /** The mode and since the server would choose at `now`. */
  choose(now: number): { mode: 'full' | 'latest'; since?: string; backfillDue: boolean }
  /** Runs once, as the server's scheduler would. */
  run(): Promise<ServerRunRecord>
}
