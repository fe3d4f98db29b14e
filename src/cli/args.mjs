// Argument parsing (node:util parseArgs) and help texts for each subcommand, plus
// the connection settings shared by `check` and `sync` (flags or environment).
import { parseArgs } from 'node:util'
import { checkConfig } from '../js/index.mjs'
import schemas from '../js/schemas.cjs'

const { resourceTable } = schemas

/** An expected failure: one clear line, a fix, and an exit code (no stack trace). */
export class CliError extends Error {
  constructor(message, { fix, exitCode = 1, details = [] } = {}) {
    super(message)
    this.name = 'CliError'
    this.fix = fix
    this.exitCode = exitCode
    this.details = details
  }
}

/** A usage or configuration error: exit code 2. */
export class UsageError extends CliError {
  constructor(message, opts = {}) {
    super(message, { ...opts, exitCode: 2 })
  }
}

const CONNECTION_HELP = `Connection (flags win over the environment):
  --host HOST          Okta org host, e.g. acme.okta.com       [env OKTA_HOST]
  --token TOKEN        Okta API token (SSWS)              [env OKTA_API_TOKEN]
                       prefer the env var: a flag shows up in shell history
  --client-id ID       sign in as an OAuth 2.0 service app instead of a token
                       (private_key_jwt + DPoP); the private key (PEM PKCS#8
                       or JWK) comes from the environment only
                       [env OKTA_CLIENT_ID, OKTA_PRIVATE_KEY; optional
                       OKTA_KEY_ID or --key-id]
  --base-url URL       send requests here instead of https://HOST, e.g. the
                       simulator (node src/simulator/cli.cjs)
                                                           [env OKTA_BASE_URL]
  --resources LIST     comma-separated: users,groups,auth_events,apps,factors,
                       group_members,app_assignments,devices,admin_roles,
                       log_events
                       (default: users,groups,auth_events)
  --rate-limit-share N share (0-1] of each endpoint's rate limit (default 0.5)
  --timeout-ms N       per-request timeout in ms (1000-300000)`

export const HELP = {
  main: `rawdash-okta: try, check and run the Okta connector for rawdash

Usage:
  rawdash-okta demo  [options]  sync a simulated org, show a dashboard
  rawdash-okta check [options]  verify host, token and permissions: one request
                                per resource
  rawdash-okta sync  [options]  sync a real org (or simulator), show a dashboard
  rawdash-okta help [command]   help for a command (or: <command> --help)

Environment: OKTA_HOST, OKTA_API_TOKEN, OKTA_BASE_URL, NO_COLOR.
Exit codes: 0 success, 1 failure (e.g. a resource is not readable), 2 usage or
config error, 130 interrupted (Ctrl-C).

Examples:
  npm run demo
  OKTA_HOST=acme.okta.com OKTA_API_TOKEN=00aBcD... rawdash-okta check
  rawdash-okta sync --resources users,auth_events --since 7d --out okta.jsonl
`,
  demo: `rawdash-okta demo: sync a simulated Okta org and show an identity dashboard

Starts the bundled Okta simulator (a local HTTP server that behaves like Okta:
paging, SSWS auth, per-endpoint rate limits), runs a real sync through the
connector and rawdash's host loop into in-memory storage, with live progress,
then prints the dashboard. Needs no credentials and no network.

Usage: rawdash-okta demo [options]

Options:
  --users N        users in the org (default 2000)
  --groups N       groups (default 150)
  --events N       System Log events, about 85% of them sign-ins (default 30000)
  --days N         days of sign-in history (default 14, at most 89)
  --seed N         seed of the generated org (default 42)
  --fast           no simulated latency, generous rate limits, no injected 429
  --quiet          no progress display, only the dashboard
  -h, --help       this help

By default the simulator adds latency, tight per-endpoint rate limits and one
429 response on /api/v1/logs, so you can watch the connector pace itself.
`,
  check: `rawdash-okta check: verify the config, the token and its permissions

Validates the settings (every bad field is named), then makes ONE request per
configured resource (users: GET /api/v1/users, groups: GET /api/v1/groups,
auth_events: GET /api/v1/logs) and reports, per resource, whether the token can
read it and, for each failure, Okta's error code and how to fix it.

Usage: rawdash-okta check [options]

${CONNECTION_HELP}

Options:
  --json           print the report as JSON
  -h, --help       this help

Exit codes: 0 every configured resource is readable, 1 at least one is not,
2 usage or config error (bad host, missing token, unknown resource).
`,
  sync: `rawdash-okta sync: sync an Okta org the way rawdash does, and show a dashboard

Runs the connector through rawdash's host loop (sync() called until done,
cursor passed back) into in-memory storage, with live progress, then prints
the identity dashboard. Nothing is stored unless you pass --out. Ctrl-C stops
after the current write and saves what was synced; --resume continues.

Usage: rawdash-okta sync [options]

${CONNECTION_HELP}

Options:
  --mode full|latest   full (default) replaces users, groups and events;
                       latest fetches what changed after --since
  --since WHEN         lower bound: ISO time (2025-01-31T00:00:00Z) or relative
                       (90m, 24h, 7d). Without it Okta returns 7 days of
                       sign-ins.
  --out FILE           write every stored record as JSON lines ("-" = stdout;
                       the dashboard then goes to stderr); owner-only (mode
                       600), and a symbolic link is refused, not followed
  --max-seconds N      stop reading the System Log after N seconds and keep what
                       was stored, as syncBudgetSeconds does on a rawdash server
                       (default: run to completion)
  --resume             continue a sync stopped with Ctrl-C (same settings, no
                       duplicates); give the same --host and --base-url: the
                       resume file never chooses where requests go
  --resume-file FILE   where Ctrl-C saves what was synced and the cursor
                       (default .rawdash-okta-resume.json; never the token)
  --quiet              no progress display
  -h, --help           this help
`,
}

/** The resources by setting name, from the native resource table. */
export const RESOURCE_NAMES = Object.fromEntries(
  resourceTable.map((r) => [
    r.setting,
    { resource: r.name, shape: r.shape, endpoint: r.endpoint, bucket: r.bucket, label: r.label, permission: r.permission, scope: r.oauthScope },
  ]),
)
/** What is synced without --resources: the connector's defaults (opt-in ones left out). */
export const DEFAULT_RESOURCES = resourceTable.filter((r) => r.default).map((r) => r.setting)
export const BY_RESOURCE = Object.fromEntries(Object.entries(RESOURCE_NAMES).map(([k, v]) => [v.resource, { key: k, ...v }]))

const CONNECTION_OPTIONS = {
  host: { type: 'string' },
  token: { type: 'string' },
  'client-id': { type: 'string' },
  'key-id': { type: 'string' },
  'base-url': { type: 'string' },
  resources: { type: 'string' },
  'rate-limit-share': { type: 'string' },
  'timeout-ms': { type: 'string' },
}

export const OPTIONS = {
  demo: {
    users: { type: 'string' },
    groups: { type: 'string' },
    events: { type: 'string' },
    days: { type: 'string' },
    seed: { type: 'string' },
    fast: { type: 'boolean' },
    quiet: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  check: { ...CONNECTION_OPTIONS, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  sync: {
    ...CONNECTION_OPTIONS,
    mode: { type: 'string' },
    since: { type: 'string' },
    out: { type: 'string' },
    'max-seconds': { type: 'string' },
    resume: { type: 'boolean' },
    'resume-file': { type: 'string' },
    quiet: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
}

/** Parses a subcommand's arguments; unknown flags and stray arguments are usage errors. */
export function parse(command, argv) {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS[command], allowPositionals: true, strict: true })
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`, { fix: `see rawdash-okta ${command} --help` })
    return values
  } catch (err) {
    if (err instanceof CliError) throw err
    // parseArgs messages name the flag, e.g. "Unknown option '--x'".
    const message = String(err.message).split('. ')[0].replace(/^Option '(.+?)' argument missing$/, "option '$1' needs a value")
    throw new UsageError(message, { fix: `see rawdash-okta ${command} --help` })
  }
}

/** A whole number flag within [min, max]. */
export function intFlag(values, name, def, min, max) {
  const raw = values[name]
  if (raw === undefined) return def
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${raw}")`)
  }
  return Number(raw)
}

/** `--since`: an ISO time or a relative duration (90m, 24h, 7d); returns ISO. */
export function parseSince(raw, now = Date.now()) {
  if (raw === undefined) return undefined
  const m = /^(\d+)\s*([mhd])$/.exec(raw.trim())
  if (m) return new Date(now - Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2]]).toISOString()
  const t = Date.parse(raw)
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw.trim()) || Number.isNaN(t)) {
    throw new UsageError(`--since must be an ISO time like 2025-01-31T00:00:00Z or a duration like 24h or 7d (got "${raw}")`)
  }
  return new Date(t).toISOString()
}

const FIELD_FLAG = {
  host: '--host (or OKTA_HOST)',
  resources: '--resources',
  rateLimitShare: '--rate-limit-share',
  requestTimeoutMs: '--timeout-ms',
  apiToken: 'OKTA_API_TOKEN (or --token)',
  oauth: 'OKTA_CLIENT_ID / OKTA_PRIVATE_KEY',
  'oauth.clientId': 'OKTA_CLIENT_ID (or --client-id)',
  'oauth.privateKey': 'OKTA_PRIVATE_KEY',
  'oauth.keyId': 'OKTA_KEY_ID (or --key-id)',
  baseUrl: '--base-url (or OKTA_BASE_URL)',
  out: '--out',
}

const FIELD_FIX = {
  host: 'pass the org host only, e.g. --host acme.okta.com (or OKTA_HOST=acme.okta.com)',
  resources: `use --resources with any of ${Object.keys(RESOURCE_NAMES).join(', ')}`,
  apiToken: 'set OKTA_API_TOKEN to the token from Security > API > Tokens in the Okta Admin Console',
  baseUrl: 'give an origin only, e.g. --base-url http://127.0.0.1:8123 (no path, query or credentials)',
  rateLimitShare: 'use a number above 0 and at most 1, e.g. --rate-limit-share 0.5',
  requestTimeoutMs: 'use a whole number of ms from 1000 to 300000, e.g. --timeout-ms 30000',
}

/**
 * Turns problems (`{ field, message, fix? }`) into one usage error that lists them
 * all, each with the flag to change and its fix. Nothing has been sent to Okta.
 */
export function configIssuesError(issues, extraFix) {
  const line = (i) => {
    const field = i.field.replace(/\[\d+\]$/, '')
    return `${i.field}: ${i.message}  [${FIELD_FLAG[field] ?? i.field}]`
  }
  const fixOf = (i) => i.fix ?? FIELD_FIX[i.field.replace(/\[\d+\]$/, '')]
  if (issues.length === 1) {
    const only = issues[0]
    const message = only.summary ?? `invalid config: ${line(only)}`
    return new UsageError(message, { fix: extraFix ?? fixOf(only) })
  }
  const details = issues.map((i) => {
    const fix = fixOf(i)
    return `- ${i.summary ?? line(i)}${fix ? `\n    fix: ${fix}` : ''}`
  })
  return new UsageError(`${issues.length} problems with the settings (nothing was sent to Okta):`, {
    fix: 'correct all of the above, then run the command again',
    details,
  })
}

/**
 * Connection settings from flags and environment, validated with the connector's
 * own rules before any request: every problem (host, token or OAuth client, base
 * URL, resources, limits, plus `extra` problems the command found) is reported at
 * once. Returns `{ settings, token, oauth, baseUrl, host, resources }`: `oauth`
 * (`{ clientId, privateKey: { $secret: 'OKTA_PRIVATE_KEY' }, keyId? }`) when a client
 * id is given, else `token`.
 */
export function connection(values, env = process.env, extra = []) {
  const baseUrl = values['base-url'] ?? (env.OKTA_BASE_URL || undefined)
  let host = values.host ?? (env.OKTA_HOST || undefined)
  if (host === undefined && baseUrl) host = 'simulator.okta.com' // the simulator ignores the host
  const token = values.token ?? (env.OKTA_API_TOKEN || undefined)
  const clientId = values['client-id'] ?? (env.OKTA_CLIENT_ID || undefined)
  const keyId = values['key-id'] ?? (env.OKTA_KEY_ID || undefined)

  const settings = { host: host ?? '' }
  if (values.resources !== undefined) {
    settings.resources = values.resources
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  }
  const number = (flag) => {
    const raw = values[flag]
    if (raw === undefined) return undefined
    const n = Number(raw)
    return raw.trim() === '' || Number.isNaN(n) ? raw : n
  }
  if (values['rate-limit-share'] !== undefined) settings.rateLimitShare = number('rate-limit-share')
  if (values['timeout-ms'] !== undefined) settings.requestTimeoutMs = number('timeout-ms')

  const problems = []
  if (host === undefined) {
    problems.push({
      field: 'host',
      summary: 'no Okta host given',
      fix: 'set OKTA_HOST=acme.okta.com or pass --host acme.okta.com (your org domain, without https://)',
    })
  }
  const oauth = clientId === undefined ? undefined : { clientId, privateKey: { $secret: 'OKTA_PRIVATE_KEY' }, ...(keyId ? { keyId } : {}) }
  // The credentials as given (the constructor's check): a missing one is reported below
  // with the CLI's own hint, so only the present ones are checked here.
  const given = oauth
    ? { oauth: { ...oauth, ...(env.OKTA_PRIVATE_KEY ? { privateKey: env.OKTA_PRIVATE_KEY } : {}) } }
    : token?.trim()
      ? { apiToken: token }
      : {}
  const missing = (i) => (!oauth && !token?.trim() && i.field === 'apiToken') || (oauth && !env.OKTA_PRIVATE_KEY && i.field === 'oauth.privateKey')
  const configIssues = checkConfig({ ...settings, ...given }, { credentials: 'input', baseUrl, baseUrlFrom: values['base-url'] !== undefined ? 'baseUrl' : 'OKTA_BASE_URL' })
    .issues.filter((i) => (host !== undefined || i.field !== 'host') && !missing(i))
  for (const issue of configIssues) {
    if (issue.field === 'host') {
      const guess = guessHost(host)
      const bare = !String(host).includes('.') && /^[a-z0-9-]+$/i.test(String(host).trim())
      problems.push({
        field: 'host',
        message: bare ? `"${host}" is not a full host name; an Okta org host looks like ${host}.okta.com` : issue.message,
        fix: guess ? `did you mean --host ${guess}? Use the org host only, without https:// or a path` : FIELD_FIX.host,
      })
    } else {
      problems.push(issue)
    }
  }
  if (oauth) {
    if (!env.OKTA_PRIVATE_KEY) {
      problems.push({
        field: 'oauth.privateKey',
        summary: 'no private key given for the OAuth service app',
        fix: "set OKTA_PRIVATE_KEY to the app's private key (PEM PKCS#8 text or a JWK); the key is never accepted as a flag",
      })
    }
  } else if (token === undefined || token.trim() === '') {
    problems.push({
      field: 'apiToken',
      summary: 'no API token given',
      fix: 'set OKTA_API_TOKEN to an Okta API token (Admin Console: Security > API > Tokens); --token also works but is visible in shell history',
    })
  }
  problems.push(...extra)
  if (problems.length) throw configIssuesError(problems)
  const resources = [...new Set(settings.resources ?? DEFAULT_RESOURCES)]
  return oauth ? { settings, oauth, baseUrl, host, resources } : { settings, token, baseUrl, host, resources }
}

/** The URL requests actually go to: the base URL, else https://HOST. */
export const targetUrl = (conn) => conn.baseUrl ?? `https://${conn.host}`

/** "https://acme.okta.com/admin" -> "acme.okta.com", "acme" -> "acme.okta.com", when valid. */
function guessHost(host) {
  let stripped = String(host)
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .replace(/-admin(\.(okta|oktapreview|okta-emea)\.com)$/i, '$1')
  if (/^[a-z0-9-]+$/i.test(stripped)) stripped = `${stripped}.okta.com`
  if (stripped === host) return null
  return checkConfig({ host: stripped }).issues.some((i) => i.field === 'host') ? null : stripped
}
