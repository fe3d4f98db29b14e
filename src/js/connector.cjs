'use strict'
// The rawdash-facing connector class. It only adapts: Rust plans, fetches, paces
// and maps; this class resolves the token, hands pages to the storage handle one
// batch at a time, and tracks what was written so the cursor is exact.
// The addon loads on first use (a constructor's config check): importing this module,
// and reading the statics, needs none.
const native = require('./native.cjs')
const { configFields, resources, schemas, definition, fieldRule, SECRET_NAME_RE, SECRET_NAME_MESSAGE } = require('./schemas.cjs')
const { OktaConnectorError, fromNative, configError, validateConfig, checkNative } = require('./errors.cjs')

const id = definition.id
const doc = definition.doc
// Hosts split these keys off into `creds`: the SSWS token, or the OAuth service
// app whose `privateKey` is the secret. Give exactly one.
const CREDENTIALS = {
  apiToken: { description: 'Okta API token (SSWS). Give either apiToken or oauth.', auth: 'optional' },
  oauth: { description: 'OAuth 2.0 service app: { clientId, privateKey: { $secret } (PEM PKCS#8 or JWK, RSA or EC P-256), keyId?, scopes? }. Give either apiToken or oauth.', auth: 'optional' },
}
// The non-secret config fields: what `settings` holds besides a misplaced credential.
const SETTING_KEYS = definition.configFields.map((f) => f.name).filter((k) => !(k in CREDENTIALS))
const CHUNK_BUDGET_MS = 30_000
// Okta's System Log is eventually consistent: incremental syncs re-read this much
// before `since` and skip events already stored (see README, Reliability).
const EVENT_LOOKBACK_MS = 5 * 60 * 1000

/**
 * The base URL override and where it came from: `ctx.baseUrl`, else the environment's
 * `OKTA_BASE_URL` (read once, when the connector is constructed). The native rule
 * (https, or plain http to a loopback address) is applied to it by name.
 */
function baseUrlOverride(ctx) {
  if (ctx.baseUrl != null) return { url: typeof ctx.baseUrl === 'string' ? ctx.baseUrl : String(ctx.baseUrl), from: 'ctx.baseUrl' }
  const env = process.env.OKTA_BASE_URL
  return env ? { url: env, from: 'OKTA_BASE_URL' } : null
}

/** `[okta] event key=value ...` lines on stderr, for hosts that pass no logger. */
const defaultLogger = {
  info: (event, fields) => writeLine(event, fields),
  warn: (event, fields) => writeLine(event, fields),
}

function writeLine(event, fields = {}) {
  const pairs = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
  process.stderr.write(`[okta] ${event}${pairs.length ? ' ' + pairs.join(' ') : ''}\n`)
}

function isSecretRef(v) {
  return v !== null && typeof v === 'object' && typeof v.$secret === 'string'
}

/** Resolves the token input: a plain string or `{ $secret: NAME }`. */
async function resolveToken(input, ctx) {
  if (typeof input === 'string') return input
  if (!isSecretRef(input) || input.$secret === '') {
    throw configError([{ field: 'apiToken', message: fieldRule('apiToken').rule.messages.input }])
  }
  const value = await resolveSecretRef(input.$secret, ctx, 'apiToken')
  if (typeof value !== 'string' || value.trim() === '') {
    const name = input.$secret
    throw new OktaConnectorError({
      code: 'OKTA_MISSING_SECRET',
      message: `The API token secret ${name} is not set: set the environment variable ${name} (or provide it through the host's secrets) to an Okta API token.`,
      issues: [{ field: 'apiToken', message: `secret ${name} is not set` }],
    })
  }
  return value
}

/**
 * Resolves the OAuth private key input: PEM text, a JWK (object or JSON text), or
 * `{ $secret: NAME }` holding one of those. The value goes to the native core only.
 */
async function resolvePrivateKey(input, ctx) {
  if (typeof input === 'string' || (input !== null && typeof input === 'object' && !isSecretRef(input))) return input
  if (!isSecretRef(input) || input.$secret === '') {
    throw configError([{ field: 'oauth.privateKey', message: fieldRule('oauth.privateKey').rule.messages.required }])
  }
  const name = input.$secret
  const value = await resolveSecretRef(name, ctx, 'oauth.privateKey')
  const empty = value == null || (typeof value === 'string' && value.trim() === '') || (typeof value !== 'string' && typeof value !== 'object')
  if (empty) {
    throw new OktaConnectorError({
      code: 'OKTA_MISSING_SECRET',
      message: `The private key secret ${name} is not set: set the environment variable ${name} (or provide it through the host's secrets) to the service app's private key (PEM PKCS#8 or a JWK).`,
      issues: [{ field: 'oauth.privateKey', message: `secret ${name} is not set` }],
    })
  }
  return value
}

/**
 * A secret's value through `ctx.secretsResolver`, else the environment (JSON-parsed when
 * it looks like JSON). Only an environment variable's name is looked up anywhere.
 */
async function resolveSecretRef(name, ctx, field) {
  if (!SECRET_NAME_RE.test(name)) throw configError([{ field, message: SECRET_NAME_MESSAGE }])
  let value
  if (ctx?.secretsResolver && typeof ctx.secretsResolver.resolve === 'function') {
    value = await ctx.secretsResolver.resolve(name)
  } else {
    value = process.env[name]
    if (typeof value === 'string' && /^[{[]/.test(value)) {
      try {
        value = JSON.parse(value)
      } catch {
        // Not JSON after all: use the raw string.
      }
    }
  }
  return value
}

/** Adds to `known` the uuids of `records` already in storage (one range query). */
async function alreadyStored(storage, name, records, known) {
  // A page may carry the records of several event names (one System Log read feeds
  // several resources): one range query per name, keys by name and uuid.
  const byName = new Map()
  for (const r of records) {
    const n = r.name ?? name
    let range = byName.get(n)
    if (!range) byName.set(n, (range = { start: Infinity, end: -Infinity }))
    if (r.start_ts < range.start) range.start = r.start_ts
    if (r.start_ts > range.end) range.end = r.start_ts
  }
  const set = known ?? new Set()
  for (const [n, { start, end }] of byName) {
    const existing = await storage.queryEvents({ name: n, start, end })
    for (const e of existing ?? []) if (e?.attributes?.uuid) set.add(storedKey(e.name ?? n, e.attributes.uuid))
  }
  return set
}

/** The key `alreadyStored` keeps an event under: its name and uuid. */
function storedKey(name, uuid) {
  return `${name}\u0000${uuid}`
}

/** Okta connector for rawdash: users, groups and System Log sign-in events. */
class OktaConnector {
  static id = id
  static resources = resources
  static schemas = schemas
  static credentials = CREDENTIALS

  /**
   * Validates `input` with the config rules and constructs the connector. Bad input
   * throws the same OKTA_INVALID_CONFIG error as `validateConfig`, naming every
   * field at fault.
   */
  static create(input, ctx) {
    const { apiToken, oauth, ...settings } = validateConfig(input)
    return new OktaConnector(settings, oauth ? { oauth } : { apiToken }, ctx)
  }

  #settings
  // The normalized settings plus the credential references (never a plain or
  // resolved token or key): what serializeConfig returns.
  #config
  #tokenInput
  #oauthInput
  #baseUrl
  #ctx
  #client = null
  #logger
  #warnedNoBackfill = false
  #warnedNoMetrics = false
  // The last transient failure of the current run (thrown once the run budget is
  // used up without progress).
  #lastFailure = null

  /**
   * Checks, in one native call, the settings, the credential input as given (a plain
   * token, PEM text or JWK is accepted here, unlike validateConfig, which requires
   * `{ $secret }` references) and the base URL override (`ctx.baseUrl` or
   * `OKTA_BASE_URL`); throws OKTA_INVALID_CONFIG naming every field at fault. Loads
   * the addon.
   */
  constructor(settings, creds, ctx) {
    const raw = settings ?? {}
    this.id = id
    this.credentials = OktaConnector.credentials
    // instantiateConnector puts the token in settings when a class has no static
    // credentials; accept it in either place.
    this.#tokenInput = creds?.apiToken ?? raw.apiToken
    this.#oauthInput = creds?.oauth ?? raw.oauth
    this.#ctx = ctx ?? {}
    this.#logger = this.#ctx.logger ?? defaultLogger
    this.#baseUrl = baseUrlOverride(this.#ctx)
    const input = Object.fromEntries(SETTING_KEYS.filter((k) => raw[k] !== undefined).map((k) => [k, raw[k]]))
    if (this.#tokenInput != null) input.apiToken = this.#tokenInput
    if (this.#oauthInput != null) input.oauth = this.#oauthInput
    const check = checkNative(input, { credentials: 'input', baseUrl: this.#baseUrl?.url, baseUrlFrom: this.#baseUrl?.from })
    if (check.issues.length) throw configError(check.issues)
    this.#config = check.config
    this.#settings = Object.fromEntries(SETTING_KEYS.filter((k) => check.config[k] !== undefined).map((k) => [k, check.config[k]]))
  }

  /** Settings plus credential inputs as given; a resolved or plain token or key is never included. */
  serializeConfig() {
    return JSON.parse(JSON.stringify(this.#config))
  }

  /**
   * How this connector signs in, without secrets: `{ scheme: 'ssws' }` or `{ scheme:
   * 'oauth', clientId, alg, requestedScopes, grantedScopes, tokenType, expiresIn,
   * tokenRequests }` (granted scopes and token type once a token was fetched).
   */
  authInfo() {
    if (this.#client) return this.#client.authInfo()
    return this.#oauthInput != null ? { scheme: 'oauth', clientId: this.#oauthInput.clientId ?? null, grantedScopes: null, tokenRequests: 0 } : { scheme: 'ssws' }
  }

  /** Request counters of this instance, plus the last rate-limit window seen per Okta bucket. */
  stats() {
    return this.#client ? this.#client.stats() : { requests: 0, retries: 0, rateLimited: 0, waits: 0, waitMs: 0, bytes: 0, pages: 0, records: 0, crossings: 0, rateLimit: {} }
  }

  async #getClient() {
    if (this.#client) return this.#client
    const oauth = this.#oauthInput
    // The client id, key id and scopes as the constructor's check normalized them (trimmed).
    const app = this.#config.oauth
    const auth = oauth != null
      ? { oauth: { clientId: app.clientId, privateKey: await resolvePrivateKey(oauth.privateKey, this.#ctx), keyId: app.keyId, scopes: app.scopes } }
      : { token: await resolveToken(this.#tokenInput, this.#ctx) }
    // Checked at construction; the client applies the same rule again, so no path
    // sends the credential to a refused origin.
    const baseUrl = this.#baseUrl?.url || undefined
    try {
      this.#client = new native.OktaClient({
        host: this.#settings.host,
        ...auth,
        resources: this.#settings.resources,
        baseUrl,
        baseUrlFrom: this.#baseUrl?.from,
        rateLimitShare: this.#settings.rateLimitShare,
        requestTimeoutMs: this.#settings.requestTimeoutMs,
        retry: this.#ctx.retry,
        // Costs nothing without an observer: Rust then never copies a body out.
        observe: typeof this.#ctx.observer === 'function',
      })
    } catch (err) {
      throw fromNative(err)
    }
    if (baseUrl) {
      this.#logger.warn('base url override', { url: baseUrl, host: this.#settings.host, reason: `every request${oauth != null ? ', and the signed OAuth client assertion (usable at the org until it expires),' : ''} goes to this URL instead of https://${this.#settings.host}` })
    }
    return this.#client
  }

  /**
   * Syncs users, groups and sign-in events into `storage`. Returns `{ done: true }`,
   * or `{ done: false, cursor }` to be called again, or with `transientError`.
   */
  async sync(options = {}, storage, signal) {
    const started = Date.now()
    const logger = this.#logger
    const client = await this.#getClient()
    // The System Log backfill keeps its progress in storage; without getEntity it
    // cannot, and the sync falls back to the clear-and-reread of earlier versions.
    const backfill = typeof storage?.getEntity === 'function'
    if (!backfill && !this.#warnedNoBackfill) {
      this.#warnedNoBackfill = true
      logger.warn('backfill unavailable', {
        reason: 'the storage handle has no getEntity: full syncs clear and re-read the sign-in window, and progress does not survive a host timeout',
      })
    }
    const request = {
      mode: options.mode,
      since: options.since ?? null,
      cursor: options.cursor ?? null,
      resources: options.resources ? [...options.resources] : null,
      fetchSpecs: options.fetchSpecs ?? null,
      requiredWindowMs: options.requiredWindowMs ?? null,
      settingsResources: this.#settings.resources ?? null,
      settingsLogEvents: this.#settings.logEvents ?? null,
      eventLookbackMs: options.mode === 'latest' && options.since && typeof storage.queryEvents === 'function' ? EVENT_LOOKBACK_MS : 0,
      nowMs: Date.now(),
      backfill,
      reconcile: typeof storage?.queryEntities === 'function',
      budgetMs: this.#ctx.syncBudgetMs ?? (this.#settings.syncBudgetSeconds ?? definition.defaultSyncBudgetSeconds) * 1000,
    }
    // One plan per call: the stream starts from it and hands it over.
    let stream
    try {
      // Only the stored states of the phases this sync covers (the planner's
      // selection): a drop-in config reads no factors state.
      if (backfill) {
        const phases = new Set(client.phases(request))
        const read = (spec) => ((spec.phases ?? [spec.phase]).some((p) => phases.has(p)) ? readSyncState(storage, logger, spec) : null)
        request.backfillState = await read(definition.backfillState)
        request.fanOutStates = {}
        for (const spec of definition.fanOutStates) request.fanOutStates[spec.phase] = await read(spec)
        if (definition.metricsState) request.metricsState = await read(definition.metricsState)
        request.entityStates = {}
        for (const spec of definition.listingStates) request.entityStates[spec.phase] = await read(spec)
      }
      stream = client.sync(request)
    } catch (err) {
      throw fromNative(err)
    }
    const plan = stream.plan()
    const state = plan.state
    let run = plan.run
    const runDeadline = run.started + request.budgetMs
    const cursorNow = () => client.encodeCursor({ phases: state, run })
    if (plan.phases.length === 0) {
      stream.cancel()
      for (const w of plan.warnings) logger.warn(w.event, w.fields)
      return { done: true }
    }
    if (signal?.aborted) {
      stream.cancel()
      return { done: false, cursor: cursorNow() }
    }

    // uuids known to be stored already (filled per page from storage range queries).
    let stored = null
    const canQuery = typeof storage.queryEvents === 'function'

    const budget = this.#ctx.chunkBudgetMs ?? CHUNK_BUDGET_MS
    const progress = Object.fromEntries(plan.phases.map((p) => [p.phase, { pages: 0, items: 0, started: Date.now() }]))
    const onAbort = () => stream.cancel()
    signal?.addEventListener('abort', onAbort, { once: true })
    // The chunk budget ends the stream gracefully: no new request, but pages already
    // paid for are still written (a timer, so a long rate-limit wait ends it too).
    const finish = () => {
      if (finishing) return
      finishing = true
      logger.info('chunk budget reached', { elapsed_ms: Date.now() - started, budget_ms: budget })
      stream.finish()
    }
    let finishing = false
    const chunkTimer = setTimeout(finish, Math.max(0, budget - (Date.now() - started)))
    let failure = null
    // Whether Okta answered any page in this call (a failure streak ends then).
    let progressed = false
    const skipped = []
    // Stored fan-out children by parent and type, read once a chunk when a batch
    // declaring removals arrives.
    const childIndexes = {}
    // Attributes the plan keeps on rewritten entities (plan.keep), by type: the
    // stored values by id, read once a chunk when a batch of that type arrives.
    const keep = plan.keep ?? {}
    const keptIndexes = {}
    const canKeep = typeof storage.queryEntities === 'function'
    try {
      pages: for await (const raw of stream) {
        if (signal?.aborted) break
        // Native items are ASCII JSON: a Latin-1 copy makes the string, no UTF-8 decode.
        const item = JSON.parse(raw.toString('latin1'))
        if (item.kind === 'log') {
          if (item.level === 'observation') await notifyObserver(this.#ctx.observer, item.fields, logger)
          else logger[item.level === 'warn' ? 'warn' : 'info'](item.event, item.fields)
          continue
        }
        if (item.kind === 'error') {
          failure = new OktaConnectorError(item.error)
          break
        }
        if (item.kind === 'metrics') {
          // A declared metrics operation (MetricsOp in Rust): ranged reads, samples
          // computed natively, idempotent replaceWindow writes.
          if (typeof storage.metrics !== 'function' || typeof storage.queryEvents !== 'function' || typeof storage.queryEntities !== 'function') {
            if (!this.#warnedNoMetrics) {
              this.#warnedNoMetrics = true
              logger.warn('metrics unavailable', { reason: 'the storage handle has no metrics (or no queryEvents/queryEntities): daily metrics and the MFA snapshot are not written' })
            }
            continue
          }
          const finished = await runMetrics(storage, client, item, { logger, signal, keptIndexes })
          if (!finished) break
          continue
        }
        if (item.kind === 'skipped') {
          // A 403 on one resource: the token's admin lacks that permission. The other
          // resources still sync; the phase counts as done for this run.
          const error = new OktaConnectorError(item.error)
          skipped.push(error)
          logger.warn('resource skipped', { resource: item.resource, missing_permission: item.permission, code: error.code, status: error.status, request_id: error.requestId ?? null })
          state[item.phase] = { done: true }
          continue
        }
        for (const line of item.logs) logger[line.level === 'warn' ? 'warn' : 'info'](line.event, line.fields)
        const phase = item.phase
        const isEvent = item.shape === 'event'
        const records = item.records
        if (item.url) progressed = true
        if (isEvent && canQuery && records.length > item.skip && item.checkStored !== 'none') {
          // The page says which events may be stored already (CheckStored in Rust).
          const rest = records.slice(item.skip)
          const upTo = item.checkStored.upTo
          const candidates = upTo == null ? rest : rest.filter((r) => r.start_ts <= upTo)
          if (candidates.length) stored = await alreadyStored(storage, item.resource, candidates, stored)
        }
        // The writes are declared by the page (PageOut::batches in Rust): which
        // records, which scope the first one clears, and the cursor position after each.
        if (item.writing) state[phase] = item.writing
        for (const b of item.batches) {
          const slice = records.slice(b.from, b.to)
          const batch = stored && isEvent ? slice.filter((r) => !stored.has(storedKey(r.name ?? item.resource, r.attributes.uuid))) : slice
          const kept = !isEvent && canKeep ? keep[item.resource] : null
          if (kept && batch.length) {
            const index = (keptIndexes[item.resource] ??= await indexKept(storage, item.resource, kept))
            keepStored(batch, index, kept)
          }
          if (batch.length || b.clear) {
            if (isEvent) await storage.events(batch, b.clear ?? { names: [] })
            else await storage.entities(batch, b.clear ?? { types: [] })
            // Aborted while writing: the batch is uncertain, so it does not count; the
            // next chunk writes it again (entities upsert, events are deduplicated).
            if (signal?.aborted) break pages
          }
          if (b.after) state[phase] = b.after
        }
        if (item.removals && typeof storage.queryEntities === 'function') {
          const index = (childIndexes[item.removals.type] ??= await indexChildren(storage, item.removals))
          const removed = removedChildren(index, item.removals, records)
          for (let i = 0; i < removed.length; i += item.removals.batch) {
            await storage.entities(removed.slice(i, i + item.removals.batch), { types: [] })
            if (signal?.aborted) break pages
          }
        }
        if (item.replaceScope) {
          const finished = await replaceScope(storage, item.replaceScope, logger, signal)
          if (!finished) break
        }
        if (item.state) {
          await storage.entity(item.state)
          if (signal?.aborted) break
        }
        state[phase] = item.after
        const p = progress[phase]
        p.pages += 1
        p.items += records.length - Math.min(item.skip, records.length)
        if (item.after.done) {
          logger.info('resource done', { resource: item.resource, pages: p.pages, items: p.items, duration_ms: Date.now() - p.started })
        }
      }
    } catch (err) {
      failure = fromNative(err)
    } finally {
      clearTimeout(chunkTimer)
      signal?.removeEventListener('abort', onAbort)
      stream.cancel()
    }

    // A fresh sync whose every resource was refused cannot do anything: that is the
    // credential's problem, raised as the auth error it is.
    if (!failure && !options.cursor && skipped.length > 0 && skipped.length === plan.phases.length) failure = skipped[0]
    if (failure && (failure.kind === 'auth' || failure.kind === 'client_bug')) throw failure
    // The failure streak spans calls (the host re-calls at once): the rule is native.
    if (failure) this.#lastFailure = { run: run.started, error: failure }
    const end = client.endCall({ run, failed: failure != null, progressed, nowMs: Date.now(), deadlineMs: runDeadline, callEndMs: started + budget })
    run = end.run
    if (end.action === 'throw') throw this.#failureToThrow(run)
    const cursor = cursorNow()
    if (end.action === 'retry') {
      await waitOrAbort(end.waitMs, signal)
      if (Date.now() >= end.throwAtMs && !signal?.aborted) throw this.#failureToThrow(run)
      return { done: false, cursor, transientError: failure }
    }
    return cursor == null ? { done: true } : { done: false, cursor }
  }

  /** The error a failed run reports: the last failure Okta gave this run. */
  #failureToThrow(run) {
    const last = this.#lastFailure?.run === run.started ? this.#lastFailure.error : null
    this.#lastFailure = null
    if (last) return last
    return new OktaConnectorError({ code: 'OKTA_NETWORK', message: `Okta kept failing for ${Math.round((Date.now() - run.failingSince) / 1000)} s (${run.failures} attempts) until the run budget was used up; nothing more could be fetched this run.` })
  }

}

// How long a sync waits for the host's observer per response (as rawdash's own
// connectors do): a slow observer must not stall the sync.
const OBSERVER_TIMEOUT_MS = 250

/** Hands `observation` to the host's `ctx.observer`; its failures are logged, never thrown. */
async function notifyObserver(observer, observation, logger) {
  if (typeof observer !== 'function') return
  const failed = (err) => logger.warn('observer failed', { error: String(err?.message ?? err).slice(0, 200) })
  let result
  try {
    result = observer(observation)
  } catch (err) {
    return failed(err)
  }
  if (!result || typeof result.then !== 'function') return
  let timer
  await Promise.race([
    Promise.resolve(result).catch(failed),
    new Promise((resolve) => {
      timer = setTimeout(resolve, OBSERVER_TIMEOUT_MS)
    }),
  ])
  clearTimeout(timer)
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function waitOrAbort(ms, signal) {
  if (ms <= 0 || signal?.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

/**
 * Runs a declared scope replace (ReplaceScope in Rust): stored records of `type`
 * that are not in `keep` are gone from Okta, and rawdash cannot delete one entity,
 * so the scope is replaced by the stored records that are, in one quick burst of
 * `batch`-row batches, after writing `marker` (a cut burst makes the next run
 * list everything again). Returns false when aborted mid-burst.
 */
async function replaceScope(storage, { type, keep, marker, batch }, logger, signal) {
  const listed = new Set(keep)
  const stored = (await storage.queryEntities({ type })) ?? []
  const kept = []
  for (const e of stored) if (listed.has(e?.id)) kept.push({ type, id: e.id, attributes: e.attributes ?? {}, updated_at: e.updated_at ?? 0 })
  const removed = stored.length - kept.length
  if (removed === 0) return true
  await storage.entity(marker)
  if (signal?.aborted) return false
  const started = Date.now()
  for (let i = 0; i === 0 || i < kept.length; i += batch) {
    await storage.entities(kept.slice(i, i + batch), { types: i === 0 ? [type] : [] })
    if (signal?.aborted) return false
  }
  logger.info('stale records replaced', { resource: type, removed, kept: kept.length, duration_ms: Date.now() - started })
  return true
}

/**
 * Runs a declared metrics operation. `days`: per day one ranged `queryEvents`, the
 * events projected onto the declared fields, samples from the native
 * `metricSamples`, written with `replaceWindow` over that day, then that day's
 * declared state; no new day after the declared deadline once `minDays` are done;
 * the final state once all are done. `snapshot`: reads the declared entity types, writes the native snapshot's
 * samples over the declared window and upserts the entities it patches. Returns
 * false when aborted mid-way.
 */
async function runMetrics(storage, client, op, { logger, signal, keptIndexes }) {
  const started = Date.now()
  let samples = 0
  const project = (fields, head) => (r) => [head(r), ...fields.map((f) => r.attributes?.[f] ?? null)]
  if (op.op === 'days') {
    let done = 0
    for (const day of op.days) {
      // The declared share of the run: later days wait for the next run.
      if (done >= (op.minDays ?? 1) && op.deadlineMs != null && Date.now() >= op.deadlineMs) break
      const events = (await storage.queryEvents({ name: op.event, start: day.start, end: day.end })) ?? []
      const list = client.metricSamples({ op: 'day', start: day.start, partial: day.partial, rows: events.map(project(op.fields, (e) => e.start_ts)) })
      await storage.metrics(list, { names: op.names, replaceWindow: { start: day.start, end: day.end } })
      if (signal?.aborted) return false
      await storage.entity(day.state)
      if (signal?.aborted) return false
      samples += list.length
      done++
    }
    if (done === op.days.length && op.state) {
      await storage.entity(op.state)
      if (signal?.aborted) return false
    }
    if (op.days.length) logger.info('metrics written', { days: done, samples, partial: op.days.slice(0, done).filter((d) => d.partial).length, remaining: op.days.length - done, duration_ms: Date.now() - started })
    return true
  }
  const read = []
  for (const r of op.reads) read.push((await storage.queryEntities({ type: r.type })) ?? [])
  const out = client.metricSamples({ op: 'snapshot', nowMs: op.nowMs, reads: op.reads.map((r, i) => read[i].map(project(r.fields, (e) => e.id))) })
  await storage.metrics(out.samples, { names: op.names, replaceWindow: op.window })
  if (signal?.aborted) return false
  const byId = new Map(read[0].map((e) => [e.id, e]))
  const patched = []
  for (const p of out.patches) {
    const e = byId.get(p.id)
    if (e) patched.push({ type: op.patch, id: p.id, attributes: { ...e.attributes, ...p.set }, updated_at: e.updated_at ?? 0 })
    keptIndexes[op.patch]?.set(p.id, p.set)
  }
  for (let i = 0; i < patched.length; i += op.batch) {
    await storage.entities(patched.slice(i, i + op.batch), { types: [] })
    if (signal?.aborted) return false
  }
  logger.info('metrics written', { snapshot: op.names.length, samples: out.samples.length, patched: patched.length, duration_ms: Date.now() - started })
  return true
}

/** The declared `attributes` of stored entities of `type`, by id. */
async function indexKept(storage, type, attributes) {
  const index = new Map()
  for (const e of (await storage.queryEntities({ type })) ?? []) {
    const values = {}
    let any = false
    for (const a of attributes) {
      if (e?.attributes?.[a] !== undefined) {
        values[a] = e.attributes[a]
        any = true
      }
    }
    if (any) index.set(e.id, values)
  }
  return index
}

/** Copies the kept stored attributes into records that do not carry them. */
function keepStored(records, index, attributes) {
  for (const r of records) {
    const stored = index.get(r.id)
    if (!stored) continue
    for (const a of attributes) if (r.attributes[a] === undefined && stored[a] !== undefined) r.attributes[a] = stored[a]
  }
}

/** Stored entities of the declared type by their parent (`removals.parentField`). */
async function indexChildren(storage, { type, parentField }) {
  const byParent = new Map()
  for (const child of (await storage.queryEntities({ type })) ?? []) {
    const parent = child?.attributes?.[parentField]
    if (typeof parent !== 'string') continue
    if (!byParent.has(parent)) byParent.set(parent, new Map())
    byParent.get(parent).set(child.id, child)
  }
  return byParent
}

/**
 * Runs a declared removals operation: `records` hold the complete child lists of
 * `parents`, so a stored child of theirs not among them is kept with the declared
 * `set` attributes and `stamp` time (rawdash cannot delete one entity). The index is
 * updated to the new state.
 */
function removedChildren(index, { parentField, parents, set, stamp }, records) {
  const now = Date.now()
  const current = new Map()
  for (const r of records) {
    const parent = r.attributes[parentField]
    if (!current.has(parent)) current.set(parent, new Map())
    current.get(parent).set(r.id, r)
  }
  const marked = (child) => Object.entries(set).every(([k, v]) => child.attributes?.[k] === v)
  const removed = []
  for (const parent of parents) {
    const latest = current.get(parent) ?? new Map()
    for (const [id, child] of index.get(parent) ?? []) {
      if (latest.has(id) || marked(child)) continue
      const gone = { ...child, attributes: { ...child.attributes, ...set, [stamp]: now }, updated_at: now }
      removed.push(gone)
      latest.set(id, gone)
    }
    index.set(parent, latest)
  }
  return removed
}

/** A stored sync-state entity, or null (none, or the read failed: say so). */
async function readSyncState(storage, logger, { type, id }) {
  try {
    return (await storage.getEntity(type, id)) ?? null
  } catch (err) {
    logger.warn('sync state ignored', { reason: `reading it failed: ${String(err?.message ?? err).slice(0, 200)}` })
    return null
  }
}

module.exports = { OktaConnector, id, doc, configFields, resources, schemas, defaultLogger }
