// The identity dashboard printed after a sync: computed from what the connector
// stored (users, groups, sign-in events), rendered with unicode bars. Labels are the
// server's strings: made safe to print. Day rows cover the sync window only, so a
// record dated in the year 1 or 9999 cannot build millions of rows.
import { num, pct, duration, bytes, bar, sparkline, padEnd, padStart, plural, safe, wrap } from './ui.mjs'

const DAY = 86_400_000
// The System Log keeps 90 days: the default window for the per-day rows.
const LOG_RETENTION_MS = 90 * DAY
export const MFA_EVENT = 'user.authentication.auth_via_mfa'
const USER_STATUS_ORDER = ['ACTIVE', 'STAGED', 'PROVISIONED', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'SUSPENDED', 'DEPROVISIONED']

/**
 * MFA: a sign-in event that used a second factor, i.e. its eventType is
 * user.authentication.auth_via_mfa, or its credentialType is set and is not
 * PASSWORD (OTP, SMS, EMAIL, ASSERTION, WEBAUTHN, ...).
 */
export function isMfa(attributes) {
  const t = attributes?.credentialType
  return attributes?.eventType === MFA_EVENT || (typeof t === 'string' && t !== '' && t !== 'PASSWORD')
}

/** A failed sign-in event: outcome FAILURE or DENY. */
export const isFailure = (attributes) => attributes?.result === 'FAILURE' || attributes?.result === 'DENY'

function countBy(items, key) {
  const m = new Map()
  for (const it of items) {
    const raw = key(it)
    const k = raw == null ? '(unknown)' : safe(raw)
    m.set(k, (m.get(k) ?? 0) + 1)
  }
  return m
}

const cut = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s)
const utcDay = (ms) => new Date(Math.floor(ms / DAY) * DAY).toISOString().slice(0, 10)

/**
 * Dashboard numbers from a storage handle (MemoryStorage or any contract reader).
 * `window` ({ from?, to? } in ms) bounds the per-day rows: by default the System Log's
 * 90 days up to a day from now. Events dated outside it are counted (`outside`) but
 * get no day row.
 */
export async function computeDashboard(storage, { resources = ['users', 'groups', 'auth_events'], window = {}, now = Date.now() } = {}) {
  const data = { resources }
  if (resources.includes('users')) {
    const users = await storage.queryEntities({ type: 'okta_user' })
    const byStatus = countBy(users, (u) => u.attributes?.status)
    data.users = {
      total: users.length,
      byStatus: [...byStatus].sort((a, b) => rank(a[0]) - rank(b[0]) || b[1] - a[1]),
      neverSignedIn: users.filter((u) => u.attributes?.lastLogin == null).length,
    }
  }
  if (resources.includes('groups')) {
    const groups = await storage.queryEntities({ type: 'okta_group' })
    data.groups = { total: groups.length, byType: [...countBy(groups, (g) => g.attributes?.type)].sort((a, b) => b[1] - a[1]) }
  }
  if (resources.includes('auth_events')) {
    const events = await storage.queryEvents({ name: 'okta_auth_event' })
    const e = { total: events.length, days: [], failures: 0, mfa: 0, byFactor: [], byCountry: [], byType: [], topReasons: [], outside: 0 }
    const from = Number.isFinite(window.from) ? Math.max(window.from, now - 10 * 365 * DAY) : now - LOG_RETENTION_MS - DAY
    const to = Number.isFinite(window.to) ? Math.min(window.to, now + 365 * DAY) : now + DAY
    const inWindow = (ts) => Number.isFinite(ts) && ts >= from && ts <= to
    if (events.length) {
      let min = Infinity
      let max = -Infinity
      for (const ev of events) {
        if (!inWindow(ev.start_ts)) continue
        if (ev.start_ts < min) min = ev.start_ts
        if (ev.start_ts > max) max = ev.start_ts
      }
      const perDay = new Map()
      if (min <= max) {
        for (let d = Math.floor(min / DAY); d <= Math.floor(max / DAY); d++) perDay.set(d, { day: utcDay(d * DAY), total: 0, failures: 0 })
      }
      const factors = new Map()
      const reasons = new Map()
      for (const ev of events) {
        const a = ev.attributes ?? {}
        const day = inWindow(ev.start_ts) ? perDay.get(Math.floor(ev.start_ts / DAY)) : undefined
        if (day) day.total++
        else e.outside++
        if (isFailure(a)) {
          e.failures++
          if (day) day.failures++
          const r = a.reason == null ? '(no reason given)' : safe(a.reason)
          reasons.set(r, (reasons.get(r) ?? 0) + 1)
        }
        if (isMfa(a)) {
          e.mfa++
          const f = a.credentialType == null ? '(unspecified)' : safe(a.credentialType)
          factors.set(f, (factors.get(f) ?? 0) + 1)
        }
      }
      e.days = [...perDay.values()]
      e.byFactor = [...factors].sort((x, y) => y[1] - x[1])
      e.topReasons = [...reasons].sort((x, y) => y[1] - x[1]).slice(0, 3)
      e.byCountry = [...countBy(events, (ev) => ev.attributes?.country)].sort((x, y) => y[1] - x[1])
      e.byType = [...countBy(events, (ev) => ev.attributes?.eventType)].sort((x, y) => y[1] - x[1])
      e.from = min <= max ? min : null
      e.to = min <= max ? max : null
    }
    data.events = e
  }
  if (resources.includes('factors')) {
    // MFA enrollment: active users with at least one ACTIVE factor, and by factor type.
    const users = await storage.queryEntities({ type: 'okta_user' })
    const active = new Set(users.filter((u) => u.attributes?.status === 'ACTIVE').map((u) => u.id))
    const factors = (await storage.queryEntities({ type: 'okta_factor' })).filter((f) => f.attributes?.status === 'ACTIVE' && active.has(f.attributes?.userId))
    const usersByType = new Map()
    for (const f of factors) {
      const type = f.attributes.factorType == null ? '(unknown)' : safe(f.attributes.factorType)
      if (!usersByType.has(type)) usersByType.set(type, new Set())
      usersByType.get(type).add(f.attributes.userId)
    }
    data.mfa = {
      activeUsers: active.size,
      enrolled: new Set(factors.map((f) => f.attributes.userId)).size,
      byType: [...usersByType].map(([t, s]) => [t, s.size]).sort((a, b) => b[1] - a[1]),
    }
  }
  if (resources.includes('log_events')) {
    // The security section: System Log events beyond sign-ins, by family, and the
    // admin grants, lockouts and threats the README's widgets chart.
    const events = await storage.queryEvents({ name: 'okta_log_event' })
    const of = (type) => events.filter((ev) => ev.attributes?.eventType === type).length
    data.security = {
      total: events.length,
      byFamily: [...countBy(events, (ev) => ev.attributes?.family)].sort((x, y) => y[1] - x[1]),
      adminGrants: of('user.account.privilege.grant'),
      lockouts: of('user.account.lock'),
      threats: of('security.threat.detected'),
      blocked: of('security.request.blocked'),
      topTypes: [...countBy(events, (ev) => ev.attributes?.eventType)].sort((x, y) => y[1] - x[1]).slice(0, 5),
    }
  }
  if (resources.includes('apps')) {
    const apps = await storage.queryEntities({ type: 'okta_app' })
    const activeApps = apps.filter((a) => a.attributes?.status === 'ACTIVE')
    data.apps = { total: apps.length, active: activeApps.length, bySignOnMode: [...countBy(activeApps, (a) => a.attributes?.signOnMode)].sort((a, b) => b[1] - a[1]) }
  }
  return data
}

function rank(status) {
  const i = USER_STATUS_ORDER.indexOf(status)
  return i < 0 ? USER_STATUS_ORDER.length : i
}

/** Rows of `[label, count]` as labelled bars with count and share. */
function barRows(rows, total, { c, labelWidth = 16, cells = 28, color = (s) => s } = {}) {
  const max = Math.max(0, ...rows.map((r) => r[1]))
  const countWidth = Math.max(...rows.map((r) => num(r[1]).length), 1)
  return rows.map(([label, n]) => `  ${padEnd(String(label), labelWidth)} ${color(padEnd(bar(n, max, cells), cells))} ${padStart(num(n), countWidth)}  ${c.dim(padStart(pct(n, total), 6))}`)
}

/** Collapses days into weeks when there are too many to list. */
function periods(days) {
  if (days.length <= 31) return { unit: 'day', rows: days }
  const rows = []
  for (let i = 0; i < days.length; i += 7) {
    const chunk = days.slice(i, i + 7)
    rows.push({ day: `${chunk[0].day}+`, total: chunk.reduce((s, d) => s + d.total, 0), failures: chunk.reduce((s, d) => s + d.failures, 0) })
  }
  return { unit: 'week', rows }
}

/**
 * The dashboard as text. `info`: `{ title, subtitle?, c (palette), stats (connector.stats()),
 * elapsedMs, calls, notes?: string[] }`.
 */
export function renderDashboard(data, info) {
  const { c } = info
  const out = []
  const rule = c.dim('─'.repeat(78))
  out.push('')
  out.push(c.bold(info.title))
  if (info.subtitle) out.push(c.dim(info.subtitle))
  out.push(rule)

  if (data.users) {
    const u = data.users
    out.push(`${c.bold('Users')}  ${num(u.total)}`)
    out.push(...barRows(u.byStatus, u.total, { c, color: c.blue }))
    if (u.total) out.push(c.dim(`  never signed in: ${num(u.neverSignedIn)}`))
    out.push('')
  }
  if (data.groups) {
    const g = data.groups
    out.push(`${c.bold('Groups')}  ${num(g.total)}`)
    out.push(...barRows(g.byType, g.total, { c, color: c.blue }))
    out.push('')
  }
  if (data.events) {
    const e = data.events
    const range = e.from != null ? `  ${c.dim(`${utcDay(e.from)} → ${utcDay(e.to)} (UTC)`)}` : ''
    out.push(`${c.bold('Sign-in events')}  ${num(e.total)}${range}`)
    if (e.outside) out.push(c.dim(`  ${plural(e.outside, 'event')} dated outside the sync window (no day row)`))
    if (e.total) {
      const { unit, rows } = periods(e.days)
      if (rows.length) out.push(`  per ${unit}  ${c.cyan(sparkline(rows.map((d) => d.total)))}`)
      const max = rows.reduce((m, d) => Math.max(m, d.total), 0)
      const w = rows.reduce((m, d) => Math.max(m, num(d.total).length), 1)
      for (const d of rows) {
        out.push(`  ${unit === 'day' ? d.day.slice(5) : d.day.slice(5)}  ${c.cyan(padEnd(bar(d.total, max, 36), 36))} ${padStart(num(d.total), w)}  ${c.dim(`fail ${padStart(pct(d.failures, d.total), 6)}`)}`)
      }
      out.push('')
      const failColor = e.failures / e.total > 0.2 ? c.red : e.failures / e.total > 0.1 ? c.yellow : c.green
      out.push(`  ${padEnd('Failure rate', 14)} ${failColor(padStart(pct(e.failures, e.total), 6))}  ${c.dim(`${num(e.failures)} of ${num(e.total)} events had result FAILURE or DENY`)}`)
      if (e.topReasons.length) out.push(c.dim(`    top reasons: ${e.topReasons.map(([r, n]) => `${cut(r, 32)} (${num(n)})`).join(', ')}`))
      out.push(`  ${padEnd('MFA share', 14)} ${padStart(pct(e.mfa, e.total), 6)}  ${c.dim(`${num(e.mfa)} of ${num(e.total)} events used a second factor`)}`)
      out.push(c.dim(`    MFA = eventType ${MFA_EVENT},`))
      out.push(c.dim(`          or a credentialType other than PASSWORD`))
      if (e.byFactor.length) out.push(c.dim(`    factors: ${e.byFactor.slice(0, 5).map(([f, n]) => `${f} ${pct(n, e.mfa, 0)}`).join(' · ')}`))
      out.push('')
      out.push(`  ${c.bold('Top countries')}`)
      out.push(...barRows(e.byCountry.slice(0, 6), e.total, { c, labelWidth: 18, cells: 24, color: c.cyan }).map((l) => `  ${l}`))
    }
    out.push('')
  }

  if (data.mfa) {
    const m = data.mfa
    out.push(`${c.bold('MFA enrollment')}  ${pct(m.enrolled, m.activeUsers)} ${c.dim(`of active users (${num(m.enrolled)} of ${num(m.activeUsers)}) have an active factor`)}`)
    out.push(...barRows(m.byType.slice(0, 8), m.activeUsers, { c, labelWidth: 20, cells: 24, color: c.green }))
    out.push(c.dim('  by factor type: active users with an active factor of that type'))
    out.push('')
  }
  if (data.security) {
    const x = data.security
    out.push(`${c.bold('Security (System Log)')}  ${num(x.total)} ${c.dim('admin, lifecycle, security, app access and MFA events')}`)
    out.push(...barRows(x.byFamily, x.total, { c, labelWidth: 20, cells: 24, color: c.yellow }))
    out.push(`  ${padEnd('Admin grants', 20)} ${padStart(num(x.adminGrants), 6)}  ${c.dim('user.account.privilege.grant')}`)
    out.push(`  ${padEnd('Accounts locked out', 20)} ${padStart(num(x.lockouts), 6)}  ${c.dim('user.account.lock')}`)
    out.push(`  ${padEnd('Threats detected', 20)} ${padStart(num(x.threats), 6)}  ${c.dim(`security.threat.detected (+${num(x.blocked)} requests blocked)`)}`)
    if (x.topTypes.length) out.push(c.dim(`    top types: ${x.topTypes.map(([t, n]) => `${cut(safe(String(t)), 36)} (${num(n)})`).join(', ')}`))
    out.push('')
  }
  if (data.apps) {
    const a = data.apps
    out.push(`${c.bold('Apps')}  ${num(a.total)} ${c.dim(`(${num(a.active)} active)`)}`)
    out.push(...barRows(a.bySignOnMode, a.active, { c, labelWidth: 20, cells: 24, color: c.blue }))
    out.push('')
  }

  const s = info.stats ?? {}
  out.push(c.bold('Sync'))
  out.push(
    `  requests ${num(s.requests ?? 0)} · 429s ${num(s.rateLimited ?? 0)} · rate-limit waits ${num(s.waits ?? 0)} (${duration(s.waitMs ?? 0)}) · retries ${num(s.retries ?? 0)}`,
  )
  out.push(`  pages ${num(s.pages ?? 0)} · ${bytes(s.bytes ?? 0)} received · ${plural(info.calls ?? 0, 'sync() call')} · elapsed ${duration(info.elapsedMs ?? 0)}`)
  for (const n of info.notes ?? []) out.push(c.dim(`  ${n}`))
  out.push('')
  // Every line fits an 80-column terminal.
  return out.map((l) => wrap(l)).join('\n')
}
