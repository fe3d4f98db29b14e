// The security scenario in its own process: rawdash's server run loop over SQLite with
// okta_auth_event and okta_log_event (every family) selected, against a simulator
// started by run.mjs with --log-families, run after run until the window is
// complete. Prints one JSON line: runs, events per family, duplicates.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import OktaConnector from '../../src/js/index.mjs'
import { ServerRunner } from '../../src/js/host.mjs'
import { SqliteStorage } from '../support/sqlite-storage.mjs'
import simulator from '../../src/simulator/index.cjs'

const { url, token, budgetMs, timeoutMs, windowMs, maxRuns } = JSON.parse(process.argv[2])
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-bench-security-'))
try {
  const storage = await SqliteStorage.open(path.join(dir, 'rawdash.sqlite'))
  let complete = 0
  const logger = { info: (event) => event === 'backfill complete' && complete++, warn() {} }
  const connector = new OktaConnector({ host: 'acme.okta.com', resources: ['auth_events', 'log_events'] }, { apiToken: token }, { baseUrl: url, logger, syncBudgetMs: budgetMs })
  const server = new ServerRunner(connector, storage, { timeoutMs, requiredWindowMs: { okta_auth_event: windowMs, okta_log_event: windowMs } })
  const runs = []
  const t0 = Date.now()
  while (runs.length < maxRuns) {
    const r = await server.run()
    runs.push({ ok: r.ok, mode: r.mode, ms: r.ms, error: r.error ? String(r.error) : null })
    if (complete > 0) break
  }
  const wallMs = Date.now() - t0
  const auth = await storage.eventUuidCounts('okta_auth_event')
  const log = await storage.eventUuidCounts('okta_log_event')
  const records = await storage.queryEvents({ name: 'okta_log_event' })
  const perFamily = {}
  let logOnly = 0
  for (const e of records) {
    perFamily[e.attributes.family] = (perFamily[e.attributes.family] ?? 0) + 1
    if (!simulator.SIGN_IN_EVENT_TYPES.includes(e.attributes.eventType)) logOnly++
  }
  const sum = (m) => [...m.values()].reduce((a, b) => a + b, 0)
  storage.close()
  process.stdout.write(
    JSON.stringify({
      runs,
      wallMs,
      signIns: auth.size,
      logEvents: log.size,
      logOnly,
      perFamily,
      duplicates: sum(auth) - auth.size + sum(log) - log.size,
      stats: connector.stats(),
    }) + '\n',
  )
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
}
