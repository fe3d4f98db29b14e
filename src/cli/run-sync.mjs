// Shared by `demo` and `sync`: build the connector with a progress logger, run
// rawdash's host loop into MemoryStorage, turn failures into CliErrors, then print
// the dashboard.
import OktaConnector from '../js/index.mjs'
import { MemoryStorage, runSync } from '../js/host.mjs'
import { Progress } from './progress.mjs'
import { CliError } from './args.mjs'
import { explain } from './explain.mjs'
import { computeDashboard, renderDashboard } from './dashboard.mjs'
import { palette, wantsColor, writer } from './ui.mjs'

// setTimeout's largest delay (about 24.8 days): "no timeout".
const MAX_TIMER_MS = 2 ** 31 - 1
const UNLIMITED_MS = 10 * 365 * 24 * 3600 * 1000

/** Thrown out of the host loop when Ctrl-C stopped the sync; carries the cursor to resume from. */
export class Interrupted extends Error {
  constructor(cursor) {
    super('interrupted')
    this.cursor = cursor
  }
}

/** True for a failure to connect at all (refused, DNS): the connector's OKTA_NETWORK "Could not connect". */
const isConnectFailure = (fields) => fields?.code === 'OKTA_NETWORK' && /^Could not connect/.test(String(fields.error ?? ''))

/**
 * Runs a full host-loop sync with live progress.
 * opts: { settings, token | oauth, baseUrl, resources (keys), options (SyncOptions), totals?, title,
 *         quiet?, maxSeconds?, host, via?, stderr?, storage?, interruptible? }
 * Returns { storage, connector, run, elapsedMs, calls }, or with `interruptible`, after a
 * Ctrl-C, `{ interrupted: true, cursor, storage, connector, elapsedMs }`.
 *
 * A connection that cannot be made at all (refused, DNS) before the first page fails at
 * once, naming the URL used, instead of being retried like a transient network error.
 */
export async function syncWithProgress(opts) {
  const stderr = opts.stderr ?? process.stderr
  const url = opts.baseUrl ?? `https://${opts.host}`
  let connector
  const progress = new Progress({
    stream: stderr,
    phases: opts.resources,
    totals: opts.totals,
    title: opts.title,
    quiet: opts.quiet,
    stats: () => connector?.stats(),
  })
  // Stops the whole run: Ctrl-C, or a connection that cannot be made at all.
  const stop = new AbortController()
  let pagesSeen = 0
  const display = progress.logger()
  const logger = {
    info(event, fields) {
      if (event === 'fetched page') pagesSeen++
      display.info(event, fields)
    },
    warn(event, fields) {
      display.warn(event, fields)
      if (event === 'fetch page failed' && pagesSeen === 0 && isConnectFailure(fields) && !stop.signal.aborted) {
        stop.abort(connectFailure(url, fields, opts))
      }
    },
  }
  try {
    // No --max-seconds: no run budget, the backfill runs to completion.
    const syncBudgetMs = opts.maxSeconds ? opts.maxSeconds * 1000 : UNLIMITED_MS
    connector = new OktaConnector(opts.settings, opts.oauth ? { oauth: opts.oauth } : { apiToken: opts.token }, { baseUrl: opts.baseUrl, logger, syncBudgetMs })
  } catch (err) {
    throw toCliError(err, opts)
  }
  // The host loop drives this wrapper: each sync() call also stops when `stop` fires, and
  // then the loop ends by throwing (with the cursor, after Ctrl-C).
  const driven = {
    async sync(options, storage, signal) {
      const both = new AbortController()
      const relay = () => both.abort()
      signal?.addEventListener('abort', relay, { once: true })
      stop.signal.addEventListener('abort', relay, { once: true })
      if (signal?.aborted || stop.signal.aborted) both.abort()
      try {
        const result = await connector.sync(options, storage, both.signal)
        if (stop.signal.aborted && !result.done) throw stop.signal.reason instanceof Interrupted ? new Interrupted(result.cursor) : stop.signal.reason
        return result
      } finally {
        signal?.removeEventListener('abort', relay)
        stop.signal.removeEventListener('abort', relay)
      }
    },
  }
  const storage = opts.storage ?? new MemoryStorage()
  const started = Date.now()
  let sigints = 0
  const onSigint = () => {
    sigints++
    if (sigints > 1 || !opts.interruptible) {
      progress.restore()
      stderr.write(opts.interruptible ? 'interrupted again: quitting without saving\n' : 'interrupted\n')
      process.exit(130)
    }
    if (!stop.signal.aborted) stop.abort(new Interrupted(null))
  }
  process.on('SIGINT', onSigint)
  progress.start()
  let run
  try {
    run = await runSync(driven, storage, opts.options, {
      // The budget stops the log reads; the loop gets a minute more to write and finish.
      timeoutMs: opts.maxSeconds ? (opts.maxSeconds + 60) * 1000 : MAX_TIMER_MS,
      maxTransient: 2,
      onResult: (r) => progress.onResult(r),
    })
  } catch (err) {
    progress.stop(false)
    if (err instanceof Interrupted) return { interrupted: true, cursor: err.cursor, storage, connector, elapsedMs: Date.now() - started }
    throw toCliError(err, opts)
  } finally {
    process.off('SIGINT', onSigint)
  }
  progress.stop(run.done)
  if (!run.done) {
    if (run.timedOut) {
      throw new CliError(`the sync did not finish within ${opts.maxSeconds + 60} s`, {
        fix: 'raise --max-seconds, or sync less: --resources, or a later --since',
      })
    }
    if (run.error) throw toCliError(run.error, opts)
    throw new CliError(`the sync did not finish after ${run.calls} sync() calls`, { fix: 'run it again; if it persists, report it with the progress output above' })
  }
  return { storage, connector, run, elapsedMs: Date.now() - started, calls: run.calls }
}

/** The error for a first request that could not connect at all, naming the URL used. */
function connectFailure(url, fields, opts) {
  const cause = /\((.*)\)\. Check/.exec(String(fields.error ?? ''))?.[1] ?? String(fields.error ?? 'connection failed')
  const fix = opts.baseUrl
    ? `nothing answers at ${opts.baseUrl}: check --base-url (or OKTA_BASE_URL); is the simulator or proxy running there?`
    : `check --host (or OKTA_HOST) is your Okta org domain (e.g. acme.okta.com), that it resolves, and that this machine can reach it (proxy, firewall, VPN)`
  return new CliError(`could not connect to ${url}: ${cause}`, { fix })
}

function toCliError(err, opts) {
  if (err instanceof CliError) return err
  if (err?.name !== 'OktaConnectorError' || err.code === 'OKTA_INTERNAL') throw err // a bug: let it show its stack
  const { summary, fix, exitCode } = explain(err, { host: opts.host, via: opts.via })
  return new CliError(summary, { fix, exitCode })
}

/** Prints the dashboard for a finished sync; `window` ({ from?, to? } ms) bounds its day rows. */
export async function printDashboard(result, { stream = process.stdout, resources, title, subtitle, notes, window }) {
  const data = await computeDashboard(result.storage, { resources, window })
  const text = renderDashboard(data, {
    c: palette(wantsColor(stream)),
    title,
    subtitle,
    stats: result.connector.stats(),
    elapsedMs: result.elapsedMs,
    calls: result.calls,
    notes,
  })
  writer(stream)(`${text}\n`)
  return data
}
