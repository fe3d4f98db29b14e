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

/**
 * Runs a full host-loop sync with live progress.
 * opts: { settings, token | oauth, baseUrl, resources (keys), options (SyncOptions), totals?, title,
 *         quiet?, maxSeconds?, host, via?, stderr? }
 * Returns { storage, connector, run, elapsedMs, calls }.
 */
export async function syncWithProgress(opts) {
  const stderr = opts.stderr ?? process.stderr
  let connector
  const progress = new Progress({
    stream: stderr,
    phases: opts.resources,
    totals: opts.totals,
    title: opts.title,
    quiet: opts.quiet,
    stats: () => connector?.stats(),
  })
  try {
    // No --max-seconds: no run budget, the backfill runs to completion.
    const syncBudgetMs = opts.maxSeconds ? opts.maxSeconds * 1000 : UNLIMITED_MS
    connector = new OktaConnector(opts.settings, opts.oauth ? { oauth: opts.oauth } : { apiToken: opts.token }, { baseUrl: opts.baseUrl, logger: progress.logger(), syncBudgetMs })
  } catch (err) {
    throw toCliError(err, opts)
  }
  const storage = new MemoryStorage()
  const started = Date.now()
  const onSigint = () => {
    progress.restore()
    stderr.write('interrupted: nothing was written\n')
    process.exit(130)
  }
  process.once('SIGINT', onSigint)
  progress.start()
  let run
  try {
    run = await runSync(connector, storage, opts.options, {
      // The budget stops the log reads; the loop gets a minute more to write and finish.
      timeoutMs: opts.maxSeconds ? (opts.maxSeconds + 60) * 1000 : MAX_TIMER_MS,
      maxTransient: 2,
      onResult: (r) => progress.onResult(r),
    })
  } catch (err) {
    progress.stop(false)
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

function toCliError(err, opts) {
  if (err instanceof CliError) return err
  if (err?.name !== 'OktaConnectorError' || err.code === 'OKTA_INTERNAL') throw err // a bug: let it show its stack
  const { summary, fix, exitCode } = explain(err, { host: opts.host, via: opts.via })
  return new CliError(summary, { fix, exitCode })
}

/** Prints the dashboard for a finished sync. */
export async function printDashboard(result, { stream = process.stdout, resources, title, subtitle, notes }) {
  const data = await computeDashboard(result.storage, { resources })
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
