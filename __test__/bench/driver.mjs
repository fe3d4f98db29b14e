// One benchmark run in its own process (so peak RSS is this run's alone): drives the
// real OktaConnector through the host loop against a simulator started by run.mjs,
// then prints one JSON line of measurements.
import OktaConnector from '../../src/js/index.mjs'
import { MemoryStorage, runSync } from '../../src/js/host.mjs'

const { url, token, keep, settings = {}, resources = null } = JSON.parse(process.argv[2])

/** Counts records instead of keeping them (scale runs): memory stays the connector's. */
class CountingStorage extends MemoryStorage {
  constructor() {
    super({ keep: false, validate: false })
  }
}

const storage = keep ? new MemoryStorage({ validate: false }) : new CountingStorage()
// The backfill's progress entity is written once per log page: not a synced record.
let stateWrites = 0
const entity = storage.entity.bind(storage)
storage.entity = (e) => {
  if (e.type === 'okta_sync_state') stateWrites++
  return entity(e)
}
const connector = new OktaConnector({ host: 'acme.okta.com', ...settings }, { apiToken: token }, { baseUrl: url, logger: { info() {}, warn() {} } })
const rssBefore = process.memoryUsage().rss
const cpu0 = process.cpuUsage()
const t0 = process.hrtime.bigint()
// `resources`: what a rawdash host names (the resources its widgets reference).
const run = await runSync(connector, storage, { mode: 'full', ...(resources ? { resources: new Set(resources) } : {}) })
const wallMs = Number(process.hrtime.bigint() - t0) / 1e6
const cpu = process.cpuUsage(cpu0)
const records = storage.counts.entity - stateWrites + storage.counts.event
process.stdout.write(
  JSON.stringify({
    done: run.done,
    calls: run.calls,
    records,
    entities: storage.counts.entity - stateWrites,
    events: storage.counts.event,
    wallMs,
    cpuUs: cpu.user + cpu.system,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    startRssMb: rssBefore / 1024 / 1024,
    stats: connector.stats(),
  }) + '\n',
)
