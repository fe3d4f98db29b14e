'use strict'
// zod schemas of the rawdash surface: configFields (rules mirror the native
// validateConfig; a shared table test keeps them in step) and the raw response
// schemas. Labels, descriptions and resource metadata come from the native
// definition so there is one source of truth.
const { z } = require('zod')
const native = require('./native.cjs')

const definition = native.definition()
// The native rule (config.rs is_valid_host) as one regex: at most 253 characters, two
// or more labels of 1-63 letters, digits and inner hyphens, a 2-63 letter top-level
// label that is not a special-use or private name. The config table test keeps both
// in step.
const RESERVED_TLDS = ['localhost', 'local', 'localdomain', 'internal', 'intranet', 'lan', 'home', 'corp', 'private', 'arpa', 'test', 'onion']
const HOST_RE = new RegExp(`^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+(?!(?:${RESERVED_TLDS.join('|')})$)[a-z]{2,63}$`, 'i')
// A `{ $secret: NAME }` name is an environment variable's name (config.rs is_valid_secret_name).
const SECRET_NAME_RE = /^[A-Z_][A-Z0-9_]*$/
const SECRET_NAME_MESSAGE = 'Expected a secret reference whose name is an environment variable name (A-Z, 0-9 and _, not starting with a digit), e.g. { $secret: "OKTA_API_TOKEN" }.'
const HOST_MESSAGE = 'Use the org host only (e.g. "acme.okta.com"), without the protocol or path.'
/**
 * The native resource table, one row per resource: `{ name, setting, shape, scope,
 * endpoint, bucket, label, permission }`. Every JS list of resources derives from it.
 */
const resourceTable = Object.entries(definition.resources).map(([name, r]) => ({
  name,
  setting: r.setting,
  shape: r.shape,
  scope: r.scope,
  endpoint: r.endpoint.replace(/^GET /, ''),
  bucket: r.bucket,
  label: r.label,
  permission: r.permission,
  oauthScope: r.oauthScope,
  default: r.default,
}))
const RESOURCE_SETTINGS = resourceTable.map((r) => r.setting)

const meta = Object.fromEntries(
  definition.configFields.map((f) => {
    const m = { label: f.label, description: f.description }
    if (f.placeholder) m.placeholder = f.placeholder
    if (f.secret) m.secret = true
    return [f.name, m]
  }),
)

const secretRef = z.object({ $secret: z.string().regex(SECRET_NAME_RE, SECRET_NAME_MESSAGE) })
// Visible ASCII only (header-safe), as the native validator checks.
const VISIBLE = /^[\x21-\x7e]+$/
const SCOPE_RE = /^[\x21\x23-\x5b\x5d-\x7e]+$/

/** The OAuth 2.0 service-app sign-in (instead of apiToken). */
const oauthFields = z.object({
  clientId: z.string().trim().min(1, 'Required: the service app\'s client ID.').regex(VISIBLE, 'Required: the service app\'s client ID.'),
  privateKey: secretRef,
  keyId: z.string().trim().min(1).regex(VISIBLE).optional(),
  scopes: z.array(z.string().regex(SCOPE_RE)).min(1).optional(),
})

/** zod v4 schema of the user-facing config. */
const configFields = z.object({
  host: z.string().trim().min(1, 'Required: the Okta org host, e.g. "acme.okta.com".').regex(HOST_RE, HOST_MESSAGE).meta(meta.host),
  apiToken: secretRef.optional().meta(meta.apiToken),
  oauth: oauthFields.optional().meta(meta.oauth),
  resources: z.array(z.enum(RESOURCE_SETTINGS)).min(1).optional().meta(meta.resources),
  rateLimitShare: z.number().gt(0).lte(1).optional().meta(meta.rateLimitShare),
  requestTimeoutMs: z.number().int().min(1000).max(300000).optional().meta(meta.requestTimeoutMs),
  syncBudgetSeconds: z.number().int().min(10).max(3600).optional().meta(meta.syncBudgetSeconds),
}).superRefine((config, ctx) => {
  // Exactly one sign-in method (the native validator names the same fields).
  if (config.apiToken && config.oauth) {
    ctx.addIssue({ code: 'custom', path: ['oauth'], message: 'Use either apiToken (SSWS) or oauth (an OAuth 2.0 service app), not both: remove one.' })
  } else if (!config.apiToken && !config.oauth) {
    ctx.addIssue({ code: 'custom', path: ['apiToken'], message: 'Required: a secret reference such as { $secret: "OKTA_API_TOKEN" }, or oauth: { clientId, privateKey } for an OAuth 2.0 service app.' })
  }
})

const ts = z.string().nullish()
const id = z.string().min(1)

/** Raw Okta responses, only the fields the connector reads. */
const schemas = {
  users: z.array(
    z.looseObject({
      id,
      status: ts,
      created: ts,
      activated: ts,
      statusChanged: ts,
      lastLogin: ts,
      lastUpdated: ts,
      profile: z.looseObject({ email: ts, login: ts, firstName: ts, lastName: ts }).nullish(),
    }),
  ),
  groups: z.array(
    z.looseObject({
      id,
      type: ts,
      created: ts,
      lastUpdated: ts,
      lastMembershipUpdated: ts,
      profile: z.looseObject({ name: ts, description: ts }).nullish(),
      _embedded: z.looseObject({ stats: z.looseObject({ usersCount: z.number().nullish(), appsCount: z.number().nullish() }).nullish() }).nullish(),
    }),
  ),
  factors: z.array(
    z.looseObject({
      id,
      factorType: ts,
      provider: ts,
      vendorName: ts,
      status: ts,
      created: ts,
      lastUpdated: ts,
    }),
  ),
  apps: z.array(
    z.looseObject({
      id,
      name: ts,
      label: ts,
      status: ts,
      signOnMode: ts,
      created: ts,
      lastUpdated: ts,
    }),
  ),
  auth_events: z.array(
    z.looseObject({
      uuid: id,
      published: z.string(),
      eventType: ts,
      severity: ts,
      displayMessage: ts,
      outcome: z.looseObject({ result: ts, reason: ts }).nullish(),
      actor: z.looseObject({ id: ts, type: ts, displayName: ts }).nullish(),
      authenticationContext: z
        .looseObject({ authenticationProvider: ts, credentialProvider: ts, credentialType: ts })
        .nullish(),
      client: z
        .looseObject({
          ipAddress: ts,
          geographicalContext: z.looseObject({ country: ts }).nullish(),
          userAgent: z.looseObject({ browser: ts }).nullish(),
        })
        .nullish(),
    }),
  ),
}

/** Resource definitions keyed by resource name (rawdash's shape), with zod response schemas. */
const resources = Object.fromEntries(
  Object.entries(definition.resources).map(([name, r]) => {
    // The table's machine keys stay internal (resourceTable).
    const { responses: tag, setting, scope, bucket, label, permission, oauthScope, default: _default, ...rest } = r
    return [name, { ...rest, responses: { [tag]: schemas[tag] } }]
  }),
)

module.exports = { configFields, schemas, resources, resourceTable, definition, HOST_MESSAGE, HOST_RE, SECRET_NAME_RE, SECRET_NAME_MESSAGE }
