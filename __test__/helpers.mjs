// Shared test helpers: the simulator, a connector pointed at it, a capturing
// logger, and an independent JS reference of spec section 4's record mapping.
import simulator from '../src/simulator/index.cjs'
import OktaConnector from '../src/js/index.mjs'
import { MemoryStorage, runSync } from '../src/js/host.mjs'

export const { startSimulator, SIGN_IN_EVENT_TYPES } = simulator
export { OktaConnector, MemoryStorage, runSync }

/**
 * The readings of Okta's undocumented System Log paging a suite runs under (the
 * simulator's `logNextSince`): both by default; OKTA_SIM_LOG_NEXT runs one.
 */
export const LOG_READINGS = process.env.OKTA_SIM_LOG_NEXT ? [process.env.OKTA_SIM_LOG_NEXT] : ['keep', 'drop']

/** Runs `fn(sim)` against a fresh simulator, always closing it. */
export async function withSim(options, fn) {
  const sim = await startSimulator(options)
  try {
    return await fn(sim)
  } finally {
    await sim.close()
  }
}

/** A logger that records every call. */
export function captureLogger() {
  const events = []
  return {
    events,
    info: (event, fields) => events.push({ level: 'info', event, fields }),
    warn: (event, fields) => events.push({ level: 'warn', event, fields }),
    named: (event) => events.filter((e) => e.event === event),
  }
}

/** A connector on the simulator. */
export function connectorFor(sim, settings = {}, ctx = {}) {
  const logger = ctx.logger ?? captureLogger()
  const connector = new OktaConnector({ host: 'acme.okta.com', ...settings }, { apiToken: sim.token }, { baseUrl: sim.url, logger, ...ctx })
  return { connector, logger }
}

// ---- Reference mapping (spec section 4), written independently of the Rust code.
const ms = (s) => {
  if (typeof s !== 'string') return null
  const t = Date.parse(s)
  return Number.isNaN(t) ? null : t
}
const str = (v) => (typeof v === 'string' ? v : null)
const count = (v) => (Number.isInteger(v) && v >= 0 ? v : null)
const firstPresentMs = (...vals) => {
  // Present = a string (a wrongly typed value reads as null, as the mapping documents).
  const v = vals.find((x) => typeof x === 'string')
  return ms(v) ?? 0
}

export function expectedUser(u) {
  return {
    type: 'okta_user',
    id: u.id,
    attributes: {
      status: str(u.status),
      email: str(u.profile?.email),
      login: str(u.profile?.login),
      firstName: str(u.profile?.firstName),
      lastName: str(u.profile?.lastName),
      lastLogin: ms(u.lastLogin),
      createdAt: ms(u.created),
      activatedAt: ms(u.activated),
    },
    updated_at: firstPresentMs(u.lastUpdated, u.statusChanged, u.created),
  }
}

export function expectedGroup(g) {
  return {
    type: 'okta_group',
    id: g.id,
    attributes: {
      name: str(g.profile?.name),
      description: str(g.profile?.description),
      type: str(g.type),
      createdAt: ms(g.created),
      lastMembershipUpdatedAt: ms(g.lastMembershipUpdated),
      usersCount: count(g._embedded?.stats?.usersCount),
      appsCount: count(g._embedded?.stats?.appsCount),
    },
    updated_at: firstPresentMs(g.lastUpdated, g.lastMembershipUpdated, g.created),
  }
}

export function expectedEvent(e) {
  return {
    name: 'okta_auth_event',
    start_ts: ms(e.published),
    end_ts: null,
    attributes: {
      eventType: str(e.eventType),
      result: str(e.outcome?.result),
      reason: str(e.outcome?.reason),
      actorId: str(e.actor?.id),
      actorType: str(e.actor?.type),
      actorDisplayName: str(e.actor?.displayName),
      authenticationProvider: str(e.authenticationContext?.authenticationProvider),
      credentialProvider: str(e.authenticationContext?.credentialProvider),
      credentialType: str(e.authenticationContext?.credentialType),
      ipAddress: str(e.client?.ipAddress),
      country: str(e.client?.geographicalContext?.country),
      browser: str(e.client?.userAgent?.browser),
      severity: str(e.severity),
      displayMessage: str(e.displayMessage),
      uuid: str(e.uuid),
    },
  }
}

/** Every record the simulator's org should produce (optionally filtered). */
export function expectedRecords(org, { since, userFilter = () => true, groupFilter = () => true } = {}) {
  const sinceMs = since ? Date.parse(since) : null
  const users = [...org.users()].filter(userFilter).map(expectedUser)
  const groups = [...org.groups({ expand: 'stats' })].filter(groupFilter).map(expectedGroup)
  const events = [...org.events()]
    .filter((e) => SIGN_IN_EVENT_TYPES.includes(e.eventType))
    .filter((e) => sinceMs === null || Date.parse(e.published) > sinceMs)
    .map(expectedEvent)
  return normalize({ users, groups, events })
}

const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
const byUuid = (a, b) => (a.attributes.uuid < b.attributes.uuid ? -1 : a.attributes.uuid > b.attributes.uuid ? 1 : 0)

function normalize({ users, groups, events }) {
  return { users: [...users].sort(byId), groups: [...groups].sort(byId), events: [...events].sort(byUuid) }
}

/** What a storage handle holds, sorted for comparison. */
export async function stored(storage) {
  return normalize({
    users: await storage.queryEntities({ type: 'okta_user' }),
    groups: await storage.queryEntities({ type: 'okta_group' }),
    events: await storage.queryEvents({ name: 'okta_auth_event' }),
  })
}

/** Full sync through the host loop into fresh storage. */
export async function fullSync(sim, settings = {}, options = {}, ctx = {}) {
  const { connector, logger } = connectorFor(sim, settings, ctx)
  const storage = new MemoryStorage()
  const run = await runSync(connector, storage, { mode: 'full', ...options })
  return { connector, logger, storage, run }
}

/**
 * A handle on `storage` without `getEntity`: the connector cannot keep the backfill
 * state there and falls back to the spec's clear-and-reread of the sign-in window.
 */
export function withoutBackfill(storage) {
  const handle = {}
  for (const m of ['entity', 'event', 'entities', 'events', 'queryEvents', 'queryEntities']) handle[m] = (a, b) => storage[m](a, b)
  handle.guarded = (signal) => withoutBackfill(storage.guarded(signal))
  return handle
}

/** A seeded random number generator in [0, 1) (mulberry32) for test scenarios. */
export function rng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
