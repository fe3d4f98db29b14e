// The backfill scenario in its own process: rawdash's server run loop (ServerRunner)
// over a real SQLite file with rawdash's write costs, against a rate-limited
// simulator started by run.mjs, run after run until the sign-in window is complete.
// Prints one JSON line. Also measures per-record writes into the same kind of file.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import OktaConnector from '../../src/js/index.mjs'
import { ServerRunner } from '../../src/js/host.mjs'
import { SqliteStorage } from '../support/sqlite-storage.mjs'

const { url, token, budgetMs, timeoutMs, windowMs, maxRuns } = JSON.parse(process.argv[2])
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-bench-'))
try {
  const storage = await SqliteStorage.open(path.join(dir, 'rawdash.sqlite'))
  const events = { complete: 0, incomplete: [], metricsMs: 0 }
  const logger = {
    info(event, fields) {
      // The daily metrics' share of a run (ranged reads, native samples, writes).
      if (event === 'metrics written') events.metricsMs += fields.duration_ms
      if (event === 'backfill complete') events.complete++
      if (event === 'backfill incomplete') events.incomplete.push(fields)
    },
    warn() {},
  }
  const connector = new OktaConnector({ host: 'acme.okta.com' }, { apiToken: token }, { baseUrl: url, logger, syncBudgetMs: budgetMs })
  const server = new ServerRunner(connector, storage, { timeoutMs, requiredWindowMs: { okta_auth_event: windowMs } })
  const runs = []
  let newestDayAfterFirst = null
  const t0 = Date.now()
  while (runs.length < maxRuns) {
    events.metricsMs = 0
    const r = await server.run()
    runs.push({ ok: r.ok, mode: r.mode, ms: r.ms, metricsMs: events.metricsMs, error: r.error ? String(r.error) : null })
    if (runs.length === 1) {
      const rs = await storage.client.execute({ sql: 'SELECT COUNT(*) AS n FROM events WHERE start_ts >= ?', args: [Date.now() - 24 * 3600 * 1000] })
      newestDayAfterFirst = Number(rs.rows[0].n)
    }
    if (events.complete > 0) break
  }

  const wallMs = Date.now() - t0
  const counts = await storage.eventUuidCounts()
  const stored = [...counts.values()].reduce((a, b) => a + b, 0)

  // Writes alone: the same rows through plural batches and through singular calls.
  const rows = (await storage.queryEvents({ name: 'okta_auth_event' })).slice(0, 20000)
  const batchDb = await SqliteStorage.open(path.join(dir, 'batch.sqlite'))
  let t = performance.now()
  for (let i = 0; i < rows.length; i += 1000) await batchDb.events(rows.slice(i, i + 1000), { names: [] })
  const batchedPerSecond = rows.length / ((performance.now() - t) / 1000)
  const singleDb = await SqliteStorage.open(path.join(dir, 'single.sqlite'))
  const sample = rows.slice(0, 3000)
  t = performance.now()
  for (const e of sample) await singleDb.event(e)
  const singlePerSecond = sample.length / ((performance.now() - t) / 1000)
  for (const db of [storage, batchDb, singleDb]) db.close()

  process.stdout.write(
    JSON.stringify({
      runs,
      wallMs,
      stored,
      distinct: counts.size,
      duplicates: stored - counts.size,
      newestDayAfterFirst,
      incompleteLogs: events.incomplete,
      stats: connector.stats(),
      batchedPerSecond: Math.round(batchedPerSecond),
      singlePerSecond: Math.round(singlePerSecond),
    }) + '\n',
  )
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
}
