// Types of @rawdash/connector-okta/host: a stand-in for the rawdash host side
// (in-memory storage with the contract's semantics, the server's sync loop and
// instantiateConnector), for testing your own rawdash configs and connectors
// without a rawdash server.
import type { StorageHandle, SyncOptions, SyncResult, ConnectorLogger } from '../../index.js'

/** A stored entity (`storage.entity(e)`). */
export interface EntityRecord {
  type: string
  id: string
  attributes: Record<string, unknown>
  updated_at: number
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

/** Options of `new ServerRunner()`: rawdash's server defaults unless set. */
export interface ServerRunnerOptions {
  /** One run's whole budget, all its `sync()` calls (default 300000). */
  timeoutMs?: number
  /** Most `sync()` calls of a run (default 1000). */
  maxCalls?: number
  /** The widest widget window per resource name, e.g. `{ okta_auth_event: 30 * 86400000 }`. */
  requiredWindowMs?: Record<string, number>
  /** Widget filters per resource name, passed as `options.fetchSpecs`. */
  fetchSpecs?: SyncOptions['fetchSpecs']
  /** Resource names the widgets use, passed as `options.resources`. */
  resources?: string[]
  /** A full run again this long after the last successful full run when a widget has a window (default 3600000). */
  backfillEveryMs?: number
  /** The clock (default `Date.now`). */
  now?(): number
}

/** What the server recorded about one run. */
export interface ServerRunRecord {
  mode: 'full' | 'latest'
  since?: string
  startedAt: number
  /** The run finished (`{ done: true }`) within its timeout. */
  ok: boolean
  calls: number
  /** `'timeout'` when the run was aborted and its cursor discarded, or the error thrown. */
  error: unknown
  ms: number
}

/**
 * rawdash's server sync runner: picks `full` on the first run and, when a widget
 * declares a window, hourly (with `since` = now - widest window - 1 day), else
 * `latest` since the last successful run; gives a run one timeout for all its
 * `sync()` calls, then aborts it, records a failure and discards the cursor.
 */
export declare class ServerRunner {
  constructor(connector: SyncableConnector, storage: GuardableStorage, options?: ServerRunnerOptions)
  /** One record per run, oldest first. */
  readonly runs: ServerRunRecord[]
  /** Start of the last successful run (ms), or null. */
  lastSuccessAt: number | null
  /** Start of the last successful full run (ms), or null. */
  lastFullAt: number | null
  /** The mode and since the server would choose at `now`. */
  choose(now: number): { mode: 'full' | 'latest'; since?: string }
  /** Runs once, as the server's scheduler would. */
  run(): Promise<ServerRunRecord>
}
