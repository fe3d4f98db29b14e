// The daily sign-in metrics and the MFA snapshot computed directly from the
// simulator's org, independently of the connector's Rust code: the truth side of the
// metrics tests (README "Daily metrics"). UTC days; DAU = distinct actor ids of
// successful user.session.start; attempts = every user.session.start; failures =
// FAILURE or DENY; rate = failures / attempts (0 without attempts); per-dimension
// samples for credentialType and country, capped at 20 values a day plus "(other)".
import { expectedRecords } from '../helpers.mjs'

export const DAY = 86_400_000
export const dayStart = (ms) => Math.floor(ms / DAY) * DAY
export const DAY_METRICS = ['okta_daily_active_users', 'okta_sign_ins', 'okta_sign_in_failures', 'okta_sign_in_failure_rate']
const CAP = 20
const PHISHING_RESISTANT = new Set(['webauthn', 'u2f', 'signed_nonce', 'x509'])

const tally = () => ({ attempts: 0, failures: 0, actives: new Set() })
function add(t, e) {
  t.attempts++
  const { result, actorId } = e.attributes
  if (result === 'SUCCESS' && actorId) t.actives.add(actorId)
  if (result === 'FAILURE' || result === 'DENY') t.failures++
}
function merge(into, t) {
  into.attempts += t.attempts
  into.failures += t.failures
  for (const a of t.actives) into.actives.add(a)
}
const values = (t) => [t.actives.size, t.attempts, t.failures, t.attempts ? t.failures / t.attempts : 0]

/** The samples of UTC day `start` from sign-in `events` (okta_auth_event records). */
export function daySamples(events, start, partial) {
  const total = tally()
  const dims = { credentialType: new Map(), country: new Map() }
  for (const e of events) {
    if (e.attributes.eventType !== 'user.session.start' || dayStart(e.start_ts) !== start) continue
    add(total, e)
    for (const [dim, map] of Object.entries(dims)) {
      const v = e.attributes[dim] || '(none)'
      if (!map.has(v)) map.set(v, tally())
      add(map.get(v), e)
    }
  }
  const out = []
  const push = (t, attributes) => DAY_METRICS.forEach((name, i) => out.push({ name, ts: start, value: values(t)[i], attributes }))
  push(total, { dimension: 'total', partial })
  for (const [dim, map] of Object.entries(dims)) {
    const sorted = [...map].sort((a, b) => b[1].attempts - a[1].attempts || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    sorted.slice(0, CAP).forEach(([v, t]) => push(t, { dimension: dim, [dim]: v, partial }))
    if (sorted.length > CAP) {
      const other = tally()
      for (const [, t] of sorted.slice(CAP)) merge(other, t)
      push(other, { dimension: dim, [dim]: '(other)', partial })
    }
  }
  return out
}

/** The complete UTC days of `covered` ranges (`[[from, to], ...]`) before `now`'s day. */
export function completeDays(covered, now) {
  const today = dayStart(now)
  const days = []
  for (const [from, to] of covered) {
    for (let d = Math.ceil(from / DAY) * DAY; d + DAY <= to && d < today; d += DAY) days.push(d)
  }
  return days
}

/** The org's sign-in events (as a correct sync stores them). */
export const signInEvents = (org) => expectedRecords(org).events

/**
 * Every day sample a correct connector holds: the complete days of the stored
 * backfill coverage, and today partial when covered from its start.
 */
export function expectedDaySamples(org, covered, now) {
  const events = signInEvents(org)
  const out = completeDays(covered, now).flatMap((d) => daySamples(events, d, false))
  const today = dayStart(now)
  const top = covered.at(-1)
  if (top && top[0] <= today && top[1] > today) out.push(...daySamples(events, today, true))
  return out
}

/** Per user (every user the org lists): `{ mfaEnrolled, activeFactorTypes }` from the org's factors. */
export function expectedUserMfa(org) {
  const out = new Map()
  for (const u of org.users()) {
    const types = [...new Set((org.factors(u.id) ?? []).filter((f) => f.status === 'ACTIVE').map((f) => f.factorType))].sort()
    out.set(u.id, { mfaEnrolled: types.length > 0, activeFactorTypes: types })
  }
  return out
}

/** Today's MFA snapshot samples from the org (ACTIVE users only). */
export function expectedMfaSamples(org, now) {
  const byUser = expectedUserMfa(org)
  let active = 0
  let enrolled = 0
  let resistant = 0
  const perType = new Map()
  for (const u of org.users()) {
    if (u.status !== 'ACTIVE') continue
    active++
    const { activeFactorTypes: types } = byUser.get(u.id)
    if (types.length) enrolled++
    if (types.some((t) => PHISHING_RESISTANT.has(t))) resistant++
    for (const t of types) perType.set(t, (perType.get(t) ?? 0) + 1)
  }
  const ts = dayStart(now)
  const share = (n) => (active ? n / active : 0)
  return [
    { name: 'okta_mfa_coverage', ts, value: share(enrolled), attributes: { partial: true } },
    { name: 'okta_mfa_phishing_resistant_coverage', ts, value: share(resistant), attributes: { partial: true } },
    ...[...perType].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([factorType, n]) => ({ name: 'okta_mfa_factor_users', ts, value: n, attributes: { factorType, partial: true } })),
  ]
}

/** A sample's identity: name, day and attributes (one sample per identity). */
export const sampleKey = (s) => `${s.name}@${s.ts}:${JSON.stringify(Object.entries(s.attributes).sort())}`
