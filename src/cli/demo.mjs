// `rawdash-okta demo`: a real sync against the bundled Okta simulator.
import { createRequire } from 'node:module'
import { parse, intFlag, HELP, DEFAULT_RESOURCES } from './args.mjs'
import { syncWithProgress, printDashboard } from './run-sync.mjs'
import { num, pct, plural } from './ui.mjs'

const require = createRequire(import.meta.url)
const DAY = 86_400_000
// The demo shows the opt-in resources too: apps, MFA enrollment from factors, and a
// security section from the System Log's other families (log_events).
const RESOURCES = [...DEFAULT_RESOURCES, 'apps', 'factors', 'log_events']

/** Simulator settings that make pacing visible: latency, tight limits, one 429. */
function realisticNetwork(fast) {
  // Factors are read one request per user: the demo lets those through faster than
  // Okta would (600 a minute) so it stays short.
  const factors = { limit: 400, windowMs: 1000 }
  if (fast) return { rateLimits: { factors } }
  return {
    latencyMs: { users: 60, groups: 40, logs: 110, apps: 50, factors: 20 },
    latencyJitterMs: { default: 40, factors: 10 },
    // Okta's windows are a minute long; these are per second so the demo stays short.
    rateLimits: { users: { limit: 10, windowMs: 1000 }, groups: { limit: 10, windowMs: 1000 }, logs: { limit: 10, windowMs: 1000 }, apps: { limit: 10, windowMs: 1000 }, factors },
    faults: [{ type: '429', bucket: 'logs', nth: [6] }],
  }
}

export async function demo(argv, io) {
  const values = parse('demo', argv)
  if (values.help) return io.out(HELP.demo)
  const org = {
    users: intFlag(values, 'users', 2000, 0, 1_000_000),
    groups: intFlag(values, 'groups', 150, 0, 100_000),
    events: intFlag(values, 'events', 30_000, 0, 5_000_000),
    days: intFlag(values, 'days', 14, 1, 89),
    seed: intFlag(values, 'seed', 42, 0, 2 ** 31),
  }
  const { startSimulator, SIGN_IN_EVENT_TYPES } = require('../simulator/index.cjs')
  const sim = await startSimulator({
    users: org.users,
    groups: org.groups,
    events: org.events,
    seed: org.seed,
    eventSpanMs: org.days * DAY,
    logFamilies: true,
    ...realisticNetwork(values.fast),
  })
  try {
    const since = new Date(sim.org.now - (org.days + 1) * DAY).toISOString()
    // Expected totals, for progress bars: every user and group, and the sign-in events.
    const signIns = new Set(SIGN_IN_EVENT_TYPES)
    let events = 0
    for (let p = 0; p < sim.org.eventCount; p++) if (signIns.has(sim.org.eventView(p).eventType)) events++
    const host = 'acme.okta.com'
    const result = await syncWithProgress({
      settings: { host, resources: RESOURCES },
      token: sim.token,
      baseUrl: sim.url,
      host,
      via: sim.url,
      resources: RESOURCES,
      totals: { users: org.users, groups: org.groups, auth_events: events },
      options: { mode: 'full', since },
      title: `Syncing ${host} (simulated org)`,
      quiet: values.quiet,
    })
    const s = sim.stats()
    await printDashboard(result, {
      resources: RESOURCES,
      window: { from: Date.parse(since), to: sim.org.now + DAY },
      title: `Okta identity dashboard · ${host} (simulated)`,
      subtitle: `${plural(org.users, 'user')}, ${plural(org.groups, 'group')}, ${plural(org.events, 'System Log event')} over ${plural(org.days, 'day')} (seed ${org.seed}); ${num(events)} of the events are sign-ins (${pct(events, org.events, 0)}), the rest: admin, lifecycle, security, app-access and MFA events (the security section), sign-outs, policy checks, token grants`,
      notes: values.fast
        ? ['simulator: no latency, default rate limits (factor reads, one per user, at up to 400/s)']
        : [
            `simulator: 10 requests/s per endpoint (Okta's limits are per minute), 40-150 ms latency, one injected 429 on /api/v1/logs; factor reads (one per user) at up to 400/s`,
            `the simulator served ${plural(s.requests, 'request')} and answered ${num(s.status429)} with 429`,
          ],
    })
  } finally {
    await sim.close()
  }
  return 0
}
