'use strict'
// zod schemas of the rawdash surface: configFields and the raw response schemas.
// Everything comes from the committed metadata (src/js/metadata.cjs, generated from
// the Rust definition()), never from the native addon, so this module loads where
// no addon can (edge runtimes, rawdash's metadata catalog). configFields is BUILT
// from the Rust config rules (src/config/rules.rs): the same fields, bounds, regex
// sources and messages the native checker applies, so both report the same issues.
const { z } = require('zod')
const definition = require('./metadata.cjs')

const { configRules } = definition
/** A config field's rule, by dotted path (`host`, `oauth.clientId`). */
function fieldRule(path) {
  let fields = definition.configFields
  let found
  for (const part of path.split('.')) {
    found = fields.find((f) => f.name === part)
    if (!found) return undefined
    fields = found.rule.fields ?? []
  }
  return found
}
const patternOf = (p) => new RegExp(p.source, p.flags)
const hostRule = fieldRule('host').rule
const apiTokenRule = fieldRule('apiToken').rule
/** The `{ $secret: NAME }` name rule: an environment variable's name. */
const SECRET_NAME_RE = patternOf(apiTokenRule.name)
const SECRET_NAME_MESSAGE = apiTokenRule.messages.invalid
const HOST_MESSAGE = hostRule.messages.invalid

/**
 * The native resource table, one row per syncable resource: `{ name, setting, shape,
 * scope, endpoint, bucket, label, permission, oauthScope, default }`. Every JS list
 * of resources derives from it. The bookkeeping entry (`okta_sync_state`, declared
 * because the connector stores it) is no resource to sync and is not in it.
 */
const resourceTable = Object.entries(definition.resources)
  .filter(([, r]) => !r.bookkeeping)
  .map(([name, r]) => ({
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

/**
 * The zod schema of one rule (see src/config/rules.rs): each check carries the rule's
 * message and runs only while the value has no issue yet, so a bad value gets exactly
 * one issue, as natively. (Not `abort: true`: an explicitly aborted issue would also
 * stop the object's exactly-one check, which the native checker still reports.)
 * `required`: a missing (or null) value gets the `required` message.
 */
function zodOf(rule, required) {
  const m = rule.messages
  const typeError = (issue) => ((issue.input === undefined || issue.input === null) && required ? (m.required ?? m.type) : m.type)
  const check = (message) => ({ message, when: (payload) => payload.issues.length === 0 })
  switch (rule.type) {
    case 'string': {
      let s = z.string({ error: typeError })
      if (rule.trim) s = s.trim()
      s = s.min(rule.minLength, check(required ? (m.required ?? m.invalid) : m.invalid))
      if (rule.maxLength != null) s = s.max(rule.maxLength, check(m.invalid))
      if (rule.pattern) s = s.regex(patternOf(rule.pattern), check(m.invalid))
      if (rule.reject) {
        const reject = patternOf(rule.reject)
        s = s.refine((v) => !reject.test(v), check(m.invalid))
      }
      return s
    }
    case 'number': {
      let n = z.number({ error: typeError })
      if (rule.integer) n = n.int(check(m.invalid))
      n = rule.minExclusive ? n.gt(rule.min, check(m.invalid)) : n.gte(rule.min, check(m.invalid))
      return n.lte(rule.max, check(m.invalid))
    }
    case 'enum':
      return z.enum(rule.values, { error: (issue) => (typeof issue.input === 'string' ? m.invalid : m.type) })
    case 'array':
      // Item issues, then the length (as natively).
      return z.array(zodOf(rule.items, false), { error: typeError }).min(rule.minItems, { message: m.invalid })
    case 'secret': {
      // Issues inside the reference are reported on the secret field (see issuesOf).
      const name = z.string({ error: m.invalid }).regex(patternOf(rule.name), m.invalid)
      return z.object({ $secret: name }, { error: typeError })
    }
    case 'object':
      return z.object(shapeOf(rule.fields), { error: typeError })
    default:
      throw new Error(`unknown config rule type ${rule.type}`)
  }
}

function fieldOf(field) {
  return field.required ? zodOf(field.rule, true) : zodOf(field.rule, false).optional()
}

function shapeOf(fields) {
  return Object.fromEntries(fields.map((f) => [f.name, fieldOf(f)]))
}

// Labels, descriptions, placeholders and secret flags for rawdash's setup forms.
const meta = (f) => {
  const m = { label: f.label, description: f.description }
  if (f.placeholder) m.placeholder = f.placeholder
  if (f.secret) m.secret = true
  return m
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v)
const { exactlyOne } = configRules

/** zod v4 schema of the user-facing config, built from the Rust config rules. */
const configFields = z
  .object(Object.fromEntries(definition.configFields.map((f) => [f.name, fieldOf(f).meta(meta(f))])), { error: configRules.notObject.message })
  .superRefine(
    (config, ctx) => {
      // Exactly one sign-in method; a present key counts even when its value is bad.
      const [a, b] = exactlyOne.fields.map((k) => config[k] !== undefined)
      if (a && b) ctx.addIssue({ code: 'custom', path: [exactlyOne.both.field], message: exactlyOne.both.message })
      else if (!a && !b) ctx.addIssue({ code: 'custom', path: [exactlyOne.neither.field], message: exactlyOne.neither.message })
    },
    // Also when a field failed (the native checker reports both), never for a non-object.
    { when: (payload) => isObject(payload.value) },
  )

/** A zod issue path as the native checker names the field: `resources[1]`, `oauth.clientId`, `(config)`. */
function issueField(path) {
  let out = ''
  for (const key of path) {
    if (key === '$secret') continue
    if (typeof key === 'number') out += `[${key}]`
    else out += out ? `.${String(key)}` : String(key)
  }
  return out || configRules.notObject.field
}

/** The `{ field, message }` issues of a failed `configFields.safeParse`, in the native checker's terms. */
function issuesOf(zodError) {
  return zodError.issues.map((i) => ({ field: issueField(i.path), message: i.message }))
}

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
  group_members: z.array(
    z.looseObject({
      id,
      status: ts,
      profile: z.looseObject({ login: ts }).nullish(),
    }),
  ),
  // Both child lists of an app: assigned users (/apps/{id}/users) and groups (/apps/{id}/groups).
  app_assignments: z.array(
    z.looseObject({
      id,
      scope: ts,
      status: ts,
      created: ts,
      lastUpdated: ts,
      priority: z.number().nullish(),
      credentials: z.looseObject({ userName: ts }).nullish(),
    }),
  ),
  devices: z.array(
    z.looseObject({
      id,
      status: ts,
      created: ts,
      lastUpdated: ts,
      profile: z
        .looseObject({ displayName: ts, platform: ts, manufacturer: ts, model: ts, osVersion: ts, registered: z.boolean().nullish() })
        .nullish(),
      _embedded: z
        .looseObject({ users: z.array(z.looseObject({ managementStatus: ts, user: z.looseObject({ id: ts }).nullish() })).nullish() })
        .nullish(),
    }),
  ),
  admin_roles: z.array(
    z.looseObject({
      id,
      type: ts,
      label: ts,
      role: ts,
      'resource-set': ts,
      status: ts,
      assignmentType: ts,
      created: ts,
      lastUpdated: ts,
      _links: z.looseObject({ assignee: z.looseObject({ href: ts }).nullish() }).nullish(),
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
  log_events: z.array(
    z.looseObject({
      uuid: id,
      published: z.string(),
      eventType: ts,
      severity: ts,
      displayMessage: ts,
      outcome: z.looseObject({ result: ts, reason: ts }).nullish(),
      actor: z.looseObject({ id: ts, type: ts, alternateId: ts, displayName: ts }).nullish(),
      client: z
        .looseObject({
          ipAddress: ts,
          geographicalContext: z.looseObject({ country: ts, city: ts }).nullish(),
          userAgent: z.looseObject({ os: ts, browser: ts }).nullish(),
        })
        .nullish(),
      transaction: z.looseObject({ id: ts }).nullish(),
      // Any shape: the connector maps the first target of each kind it knows.
      target: z.unknown(),
      debugContext: z.looseObject({ debugData: z.looseObject({}).nullish() }).nullish(),
    }),
  ),
}

/**
 * Resource definitions keyed by resource name (rawdash's shape), with zod response
 * schemas; `okta_sync_state`, the connector's bookkeeping, is declared too (rawdash
 * requires every stored type to be), without an endpoint or responses.
 */
const resources = Object.fromEntries(
  Object.entries(definition.resources).map(([name, r]) => {
    // The table's machine keys stay internal (resourceTable).
    const { responses: tag, setting, scope, bucket, label, permission, oauthScope, default: _default, bookkeeping, ...rest } = r
    return [name, tag ? { ...rest, responses: { [tag]: schemas[tag] } } : rest]
  }),
)

module.exports = { configFields, schemas, resources, resourceTable, definition, fieldRule, issuesOf, HOST_MESSAGE, SECRET_NAME_RE, SECRET_NAME_MESSAGE }
