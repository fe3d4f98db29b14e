// `rawdash-okta check`: validates the config, then makes exactly one request per
// configured resource through the connector itself (same URL building, auth
// header, error mapping as a real sync) and explains every failure.
//
// How one request per resource is guaranteed: each resource gets an incremental
// (`latest`) sync with `since` = one second ago into a throwaway storage handle
// without readers (so no late-event look-back). Users and groups then ask for
// `lastUpdated gt <now>`: one page, no next link. The System Log answers an empty
// page, where the connector stops. As a backstop, the sync is aborted as soon as
// the first page of that resource is logged.
import OktaConnector from '../js/index.mjs'
import { parse, connection, HELP, RESOURCE_NAMES } from './args.mjs'
import { explain } from './explain.mjs'
import { addSecret, palette, wantsColor, padEnd, duration, num, plural, safe, safeJson, wrapText } from './ui.mjs'

const NO_STORAGE = {
  entity() {},
  event() {},
  entities() {},
  events() {},
}

/** Checks one resource; never throws for Okta errors. */
async function checkResource(key, conn) {
  const { resource, endpoint, bucket } = RESOURCE_NAMES[key]
  const abort = new AbortController()
  const seen = { page: false, waits: [] }
  const logger = {
    info(event, fields) {
      if (fields?.resource !== resource) return
      if (event === 'fetched page' && !seen.page) {
        seen.page = true
        abort.abort()
      }
      if (event === 'rate limit wait') seen.waits.push(fields)
    },
    warn() {},
  }
  const settings = { requestTimeoutMs: 10_000, ...conn.settings }
  const started = Date.now()
  const report = { resource: key, endpoint, readable: false }
  let connector
  try {
    const creds = conn.oauth ? { oauth: conn.oauth } : { apiToken: conn.token }
    connector = new OktaConnector(settings, creds, { baseUrl: conn.baseUrl, logger, retry: { maxAttempts: 1, maxRateLimitWaits: 0 } })
    const since = new Date(Date.now() - 1000).toISOString()
    const result = await connector.sync({ mode: 'latest', since, resources: new Set([resource]) }, NO_STORAGE, abort.signal)
    if (result.transientError) throw result.transientError
    report.readable = seen.page
    if (!seen.page) Object.assign(report, { code: 'OKTA_NO_RESPONSE', summary: 'no page was fetched', fix: 'run the check again' })
  } catch (err) {
    if (err?.name !== 'OktaConnectorError' || err.code === 'OKTA_INTERNAL') throw err
    const { summary, fix, exitCode } = explain(err, { host: conn.host, resource, via: conn.baseUrl, oauth: !!conn.oauth })
    Object.assign(report, { code: err.code, status: err.status, errorCode: err.errorCode, errorSummary: err.errorSummary, requestId: err.requestId, summary, fix, exitCode })
  }
  report.ms = Date.now() - started
  report.auth = connector?.authInfo()
  const stats = connector?.stats()
  report.requests = stats?.requests ?? 0
  // Rate-limit headroom, when the connector reports the last X-Rate-Limit window it saw.
  const window = stats?.rateLimit?.[bucket] ?? seen.waits.at(-1)
  if (window && typeof window.remaining === 'number') {
    report.rateLimit = { limit: window.limit ?? null, remaining: window.remaining, reset: window.reset ?? null }
  }
  return report
}

/** OAuth: the scopes the enabled resources need against what Okta granted. */
function scopeReport(conn, reports) {
  if (!conn.oauth) return null
  const needed = conn.resources.map((key) => RESOURCE_NAMES[key].scope)
  const info = reports.map((r) => r.auth).find((a) => Array.isArray(a?.grantedScopes))
  // Granted scopes come from the token response: the server's text.
  const granted = Array.isArray(info?.grantedScopes) ? info.grantedScopes.map((s) => safe(s)) : null
  for (const r of reports) delete r.auth
  return {
    clientId: conn.oauth.clientId,
    tokenType: info?.tokenType ?? null,
    needed,
    granted,
    missing: granted ? needed.filter((s) => !granted.includes(s)) : needed,
  }
}

export async function check(argv, io) {
  const values = parse('check', argv)
  if (values.help) return io.out(HELP.check)
  const conn = connection(values)
  addSecret(conn.token)
  if (conn.oauth) addSecret(process.env.OKTA_PRIVATE_KEY)
  const reports = await Promise.all(conn.resources.map((key) => checkResource(key, conn)))
  const scopes = scopeReport(conn, reports)
  const ok = reports.every((r) => r.readable) && (!scopes || scopes.missing.length === 0)
  // A config error found by the connector (e.g. a token with spaces) is a usage error.
  const usage = reports.find((r) => r.exitCode === 2)

  if (values.json) {
    const auth = scopes ? { scheme: 'oauth', ...scopes } : { scheme: 'ssws' }
    io.out(`${safeJson({ host: conn.host, baseUrl: conn.baseUrl ?? null, ok, auth, resources: reports }, 2)}\n`)
    return usage ? 2 : ok ? 0 : 1
  }
  const c = palette(wantsColor(process.stdout))
  const lines = []
  lines.push(`${c.bold('Checking')} ${conn.host}${conn.baseUrl ? c.dim(` via ${conn.baseUrl}`) : ''}`)
  lines.push(c.dim(`config ok: host ${conn.host}, resources ${conn.resources.join(', ')}`))
  const perUser = conn.resources.includes('factors') ? ' (factors: a users page, then one user\'s factors)' : ''
  lines.push(c.dim(`${plural(conn.resources.length, 'resource')}, one request each${perUser}`))
  if (scopes) {
    lines.push(`OAuth service app ${scopes.clientId}${scopes.tokenType ? ` (${scopes.tokenType} token)` : ''}`)
    lines.push(`  scopes needed:  ${scopes.needed.join(' ')}`)
    lines.push(`  scopes granted: ${scopes.granted ? scopes.granted.join(' ') || '(none)' : c.red('no token was issued')}`)
    if (scopes.granted && scopes.missing.length) {
      lines.push(`  ${c.red('missing:')} ${scopes.missing.join(' ')}  ${c.yellow('fix:')} grant them on the app's Okta API Scopes tab`)
    }
  }
  if (/-admin\.(okta|oktapreview|okta-emea)\.com$/i.test(conn.host)) {
    lines.push(c.yellow(`note: ${conn.host} looks like the admin console host; the API lives on ${conn.host.replace('-admin.', '.')}`))
  }
  lines.push('')
  for (const r of reports) {
    const mark = r.readable ? c.green('OK  ') : c.red('FAIL')
    let text = `${mark}  ${padEnd(r.resource, 12)} ${padEnd(`GET ${r.endpoint}`, 20)}`
    if (r.readable) text += ` readable ${c.dim(`(${duration(r.ms)})`)}`
    lines.push(text)
    if (r.readable && r.rateLimit) {
      const reset = r.rateLimit.reset ? `, window resets in ${Math.max(0, Math.round(r.rateLimit.reset - Date.now() / 1000))} s` : ''
      lines.push(c.dim(`      rate limit: ${num(r.rateLimit.remaining)}${r.rateLimit.limit ? ` of ${num(r.rateLimit.limit)}` : ''} requests left${reset}`))
    }
    if (!r.readable) lines.push(`      ${r.summary}`)
    if (!r.readable && r.fix) lines.push(`      ${c.yellow('fix:')} ${r.fix}`)
  }
  lines.push('')
  const readable = reports.filter((r) => r.readable).length
  lines.push(
    ok
      ? c.green(reports.length === 1 ? 'The resource is readable: this config will sync.' : `All ${reports.length} resources are readable: this config will sync.`)
      : c.red(`${num(reports.length - readable)} of ${plural(reports.length, 'resource')} not readable.`),
  )
  io.out(`${wrapText(lines.join('\n'))}\n`)
  return usage ? 2 : ok ? 0 : 1
}
