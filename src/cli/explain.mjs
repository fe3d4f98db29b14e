// Turns connector errors into one clear line and the fix, by error `code`
// (never by message text). Used by `check` per resource and by `sync`/`demo`.
// Both come out safe to print: Okta's text (errorSummary, the message) is the
// server's, so control characters are stripped (ui.mjs safe()).
import { RESOURCE_NAMES, BY_RESOURCE } from './args.mjs'
import { safe } from './ui.mjs'

const PERMISSION = {
  okta_user: 'list users',
  okta_group: 'list groups',
  okta_auth_event: 'read the System Log (/api/v1/logs)',
}

/** Okta's own error details, e.g. "403 E0000006 You do not have permission ...". */
export function oktaDetail(err) {
  const parts = []
  if (err?.status) parts.push(String(err.status))
  if (err?.errorCode) parts.push(err.errorCode)
  if (err?.errorSummary) parts.push(err.errorSummary)
  return parts.join(' ')
}

/**
 * `{ summary, fix, exitCode }` for an error thrown or returned by the connector, with
 * no control character left in `summary` or `fix`.
 * `ctx`: `{ host, resource?, via? }` (resource is okta_user / okta_group / okta_auth_event).
 */
export function explain(err, ctx = {}) {
  const { summary, fix, exitCode } = explainRaw(err, ctx)
  return { summary: safe(summary), fix: fix === undefined ? undefined : safe(fix), exitCode }
}

function explainRaw(err, ctx) {
  const host = ctx.host ?? 'the Okta host'
  const resource = err?.resource ?? ctx.resource
  const info = BY_RESOURCE[resource]
  const what = info ? `${info.key} (${info.endpoint})` : 'Okta'
  const detail = oktaDetail(err)
  const withDetail = (s) => (detail ? `${s}: ${detail}` : s)
  const requestId = err?.requestId ? ` [request id ${err.requestId}]` : ''
  // OAuth sign-in errors carry their fix in the message: "what happened. How to fix it."
  if (/^OKTA_(OAUTH_|DPOP_|CLOCK_SKEW|INSUFFICIENT_SCOPE)/.test(err?.code ?? '') || (ctx.oauth && /^OKTA_(INVALID_TOKEN|FORBIDDEN)$/.test(err?.code))) {
    const text = String(err.message)
    const cut = text.indexOf('. ')
    return { summary: cut > 0 ? text.slice(0, cut) : text, fix: cut > 0 ? text.slice(cut + 2).replace(/\.$/, '') : 'see the message above', exitCode: 1 }
  }
  switch (err?.code) {
    case 'OKTA_INVALID_CONFIG':
      return {
        summary: `invalid config: ${(err.issues ?? []).map((i) => `${i.field}: ${i.message}`).join('; ') || err.message}`,
        fix: 'correct the settings named above (see rawdash-okta --help)',
        exitCode: 2,
      }
    case 'OKTA_MISSING_SECRET':
      return { summary: err.message, fix: ctx.oauth ? "set OKTA_PRIVATE_KEY to the service app's private key" : 'set OKTA_API_TOKEN to an Okta API token', exitCode: 2 }
    case 'OKTA_INVALID_TOKEN':
      return {
        summary: withDetail(`Okta rejected the API token`) + requestId,
        fix: `the token is invalid, expired or revoked (Okta expires tokens unused for 30 days, and deactivating the admin who created it revokes them). Create a new one in the Okta Admin Console under Security > API > Tokens and set OKTA_API_TOKEN; also check the token belongs to ${host}`,
        exitCode: 1,
      }
    case 'OKTA_FORBIDDEN':
      return {
        summary: withDetail(`the token may not read ${what}`) + requestId,
        fix: `the admin who created the token lacks permission to ${PERMISSION[resource] ?? 'read this resource'}. Create the token while signed in as an admin with read access to users, groups and reports (a Read-Only Administrator is enough)${info ? `, or leave ${info.key} out of resources` : ''}`,
        exitCode: 1,
      }
    case 'OKTA_NETWORK':
      return {
        summary: `could not reach ${ctx.via ?? `https://${host}`}: ${err.message.replace(/\s*Check the host.*$/, '')}`,
        fix: ctx.via
          ? `nothing answers at ${ctx.via}: check --base-url (or OKTA_BASE_URL); is the simulator or proxy running there?`
          : `check the host is your Okta org domain (e.g. acme.okta.com or acme.oktapreview.com), that it resolves, and that this machine can reach it (proxy, firewall, VPN)`,
        exitCode: 1,
      }
    case 'OKTA_TIMEOUT':
      return {
        summary: `Okta did not answer in time for ${what}`,
        fix: 'check the network path to Okta and try again; raise --timeout-ms for slow links',
        exitCode: 1,
      }
    case 'OKTA_NOT_FOUND':
      return {
        summary: withDetail(`no Okta API at ${ctx.via ?? host} for ${what}`) + requestId,
        fix: `check the host: use your org's Okta domain (acme.okta.com), not the admin console host (acme-admin.okta.com) or another site`,
        exitCode: 1,
      }
    case 'OKTA_REDIRECT_REFUSED':
      return {
        summary: `${ctx.via ?? host} answered with a redirect instead of Okta's API`,
        fix: 'check the host: a redirect usually means it is not an Okta org domain (or the org was renamed); use the domain you sign in to, e.g. acme.okta.com',
        exitCode: 1,
      }
    case 'OKTA_BAD_RESPONSE':
      return {
        summary: `${ctx.via ?? host} did not answer like Okta's API for ${what}: ${err.message}`,
        fix: 'check the host is an Okta org domain (a sign-in page or proxy in between returns HTML); if it is, try again later',
        exitCode: 1,
      }
    case 'OKTA_RATE_LIMITED':
      return {
        summary: withDetail(`Okta rate limited ${what}`) + requestId,
        fix: "the endpoint's per-minute limit is used up (every integration of the org shares it): try again after a minute, or lower --rate-limit-share",
        exitCode: 1,
      }
    case 'OKTA_SERVER_ERROR':
      return {
        summary: withDetail(`Okta failed to serve ${what}`) + requestId,
        fix: 'this is on Okta\'s side: try again later and check https://status.okta.com',
        exitCode: 1,
      }
    case 'OKTA_BAD_REQUEST':
      return {
        summary: withDetail(`Okta rejected the request for ${what}`) + requestId,
        fix: err?.errorCode === 'E0000053' ? "--since must be within the System Log's retention (90 days)" : 'check --since and --resources',
        exitCode: 1,
      }
    default:
      return {
        summary: detail ? `${withDetail(`request for ${what} failed`)}${requestId}` : String(err?.message ?? err),
        fix: err?.kind === 'transient' ? 'try again' : 'check the host and token with rawdash-okta check',
        exitCode: 1,
      }
  }
}

export { RESOURCE_NAMES }
