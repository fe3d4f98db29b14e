// The package surface a rawdash host reads (contract sections 1-2), both module systems.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { z } from 'zod'
import { readFile } from 'node:fs/promises'
import OktaConnector, * as esm from '../src/js/index.mjs'
import { withSim, fullSync } from './helpers.mjs'

const require = createRequire(import.meta.url)

test('ESM default and named exports, and require(), expose the same class', () => {
  const cjs = require('../src/js/index.cjs')
  assert.equal(typeof OktaConnector, 'function')
  assert.equal(esm.OktaConnector, OktaConnector)
  assert.equal(cjs.OktaConnector, OktaConnector)
  assert.equal(cjs.default, OktaConnector)
  for (const name of ['id', 'doc', 'configFields', 'resources', 'schemas', 'validateConfig', 'definition', 'OktaClient']) {
    assert.ok(esm[name] !== undefined, name)
    assert.equal(cjs[name], esm[name], name)
  }
  const pkg = require('../package.json')
  assert.equal(pkg.name, '@rawdash/connector-okta')
  assert.deepEqual(pkg.exports['.'].import, { types: './src/js/index.d.mts', default: './src/js/index.mjs' })
  assert.deepEqual(pkg.exports['.'].require, { types: './index.d.ts', default: './src/js/index.cjs' })
})

// rawdash core's connectorDocSchema, rule for rule (host contract section 1).
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i
const connectorDocSchema = z.strictObject({
  displayName: z.string().min(1),
  category: z.enum(['engineering', 'product', 'analytics', 'marketing', 'sales', 'support', 'finance', 'infrastructure', 'security', 'hr', 'mobile']),
  tagline: z.string().min(1),
  brandColor: z.string().regex(/^#[0-9A-Fa-f]{6}$/).optional(),
  vendor: z.strictObject({ name: z.string().min(1), domain: z.string().regex(HOSTNAME), apiDocs: z.url().optional(), website: z.url().optional() }),
  auth: z.strictObject({ summary: z.string().min(1), setup: z.array(z.string().min(1)) }),
  rateLimit: z.string().optional(),
  limitations: z.array(z.string()).optional(),
})

test('doc passes rawdash\'s connectorDocSchema, with the TypeScript package\'s category and vendor', () => {
  const parsed = connectorDocSchema.safeParse(esm.doc)
  assert.equal(parsed.success, true, JSON.stringify(parsed.error?.issues))
  assert.equal(esm.doc.category, 'security')
  assert.deepEqual(esm.doc.vendor, { name: 'Okta', domain: 'okta.com', apiDocs: 'https://developer.okta.com/docs/reference/', website: 'https://www.okta.com' })
  // The schema itself rejects what the doc used to be.
  assert.equal(connectorDocSchema.safeParse({ ...esm.doc, category: 'identity' }).success, false)
  assert.equal(connectorDocSchema.safeParse({ ...esm.doc, vendor: 'Okta' }).success, false)
  // The texts tell a user what they get and how to set it up.
  for (const promise of [/sign-in volume/i, /failure rate/i, /MFA/]) assert.match(esm.doc.tagline, promise)
  const setup = esm.doc.auth.setup.join(' ')
  for (const step of [/Read-Only Administrator/, /Security > API > Tokens/, /secret\('OKTA_API_TOKEN'\)/, /\{ \$secret: 'OKTA_API_TOKEN' \}/]) assert.match(setup, step)
  // Labels and placeholders as the contract gives them.
  const meta = Object.fromEntries(Object.entries(esm.configFields.shape).map(([k, v]) => [k, v.meta()]))
  assert.deepEqual([meta.host.label, meta.host.placeholder], ['Org host', 'acme.okta.com'])
  assert.deepEqual([meta.apiToken.label, meta.apiToken.placeholder, meta.apiToken.secret], ['API token', '00aBcD...', true])
  assert.equal(meta.resources.label, 'Resources')
  assert.match(meta.apiToken.description, /Security > API > Tokens/)
})

test('one version: package.json, Cargo.toml and definition().version agree', async () => {
  const pkg = require('../package.json')
  const cargo = await readFile(new URL('../Cargo.toml', import.meta.url), 'utf8')
  assert.equal(/^version = "([^"]+)"/m.exec(cargo)[1], pkg.version)
  assert.equal(esm.definition().version, pkg.version)
})

test('id, doc and statics', () => {
  assert.equal(esm.id, 'okta')
  assert.equal(OktaConnector.id, 'okta')
  for (const k of ['displayName', 'category', 'brandColor', 'tagline', 'rateLimit']) assert.equal(typeof esm.doc[k], 'string', k)
  assert.equal(typeof esm.doc.auth.summary, 'string')
  assert.ok(esm.doc.auth.setup.length > 0)
  assert.ok(esm.doc.limitations.length > 0)
  assert.equal(OktaConnector.resources, esm.resources)
  assert.deepEqual(Object.keys(OktaConnector.schemas).sort(), ['admin_roles', 'app_assignments', 'apps', 'auth_events', 'devices', 'factors', 'group_members', 'groups', 'log_events', 'users'])
  // Exactly one of the two is needed (the config rules enforce it), so each is optional.
  assert.deepEqual(OktaConnector.credentials.apiToken.auth, 'optional')
  assert.deepEqual(OktaConnector.credentials.oauth.auth, 'optional')
  const c = new OktaConnector({ host: 'acme.okta.com' }, { apiToken: 't' })
  assert.equal(c.id, 'okta')
  assert.deepEqual(c.credentials, OktaConnector.credentials)
  assert.equal(typeof c.sync, 'function')
  assert.equal(typeof c.serializeConfig, 'function')
})

test('resources match spec section 2', () => {
  const r = esm.resources
  assert.deepEqual(Object.keys(r).sort(), ['okta_admin_role_assignment', 'okta_app', 'okta_app_assignment', 'okta_auth_event', 'okta_daily_active_users', 'okta_device', 'okta_factor', 'okta_group', 'okta_group_member', 'okta_log_event', 'okta_mfa_coverage', 'okta_mfa_factor_users', 'okta_mfa_phishing_resistant_coverage', 'okta_sign_in_failure_rate', 'okta_sign_in_failures', 'okta_sign_ins', 'okta_sync_state', 'okta_user'])
  // The computed metrics are rawdash metric resources: dimensions as their fields.
  assert.equal(r.okta_daily_active_users.shape, 'metric')
  assert.deepEqual(r.okta_daily_active_users.dimensions.map((d) => d.name), ['dimension', 'credentialType', 'country', 'partial'])
  // The connector's own bookkeeping is declared (rawdash requires every stored type to
  // be) as an entity without an endpoint or responses.
  assert.equal(r.okta_sync_state.shape, 'entity')
  assert.match(r.okta_sync_state.description, /bookkeeping/)
  assert.match(r.okta_sync_state.description, /backfill/)
  assert.deepEqual(r.okta_sync_state.filterable, [])
  assert.equal('endpoint' in r.okta_sync_state || 'responses' in r.okta_sync_state, false)
  assert.equal(r.okta_user.shape, 'entity')
  assert.equal(r.okta_user.endpoint, 'GET /api/v1/users')
  assert.deepEqual(r.okta_user.filterable, [
    { field: 'status', ops: ['eq'], values: ['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'LOCKED_OUT', 'PASSWORD_EXPIRED', 'SUSPENDED', 'DEPROVISIONED'] },
  ])
  assert.deepEqual(r.okta_user.fields.map((f) => f.name), ['status', 'email', 'login', 'firstName', 'lastName', 'lastLogin', 'createdAt', 'activatedAt', 'mfaEnrolled', 'activeFactorTypes'])
  assert.deepEqual(Object.keys(r.okta_user.responses), ['users'])
  assert.equal(r.okta_group.shape, 'entity')
  assert.equal(r.okta_group.endpoint, 'GET /api/v1/groups')
  assert.deepEqual(r.okta_group.filterable, [{ field: 'type', ops: ['eq'], values: ['OKTA_GROUP', 'APP_GROUP', 'BUILT_IN'] }])
  assert.deepEqual(r.okta_group.fields.map((f) => f.name), ['name', 'description', 'type', 'createdAt', 'lastMembershipUpdatedAt', 'usersCount', 'appsCount'])
  assert.deepEqual(Object.keys(r.okta_group.responses), ['groups'])
  assert.equal(r.okta_auth_event.shape, 'event')
  assert.equal(r.okta_auth_event.endpoint, 'GET /api/v1/logs')
  assert.deepEqual(r.okta_auth_event.filterable, [
    { field: 'result', ops: ['eq'], values: ['SUCCESS', 'FAILURE', 'ALLOW', 'DENY', 'CHALLENGE'] },
    { field: 'eventType', ops: ['eq'] },
  ])
  assert.deepEqual(r.okta_auth_event.fields.map((f) => f.name), [
    'eventType', 'result', 'reason', 'actorId', 'actorType', 'authenticationProvider', 'credentialType', 'ipAddress', 'country', 'severity',
  ])
  assert.match(r.okta_auth_event.notes, /never cleared/)
  assert.deepEqual(Object.keys(r.okta_auth_event.responses), ['auth_events'])
  assert.equal(r.okta_app.shape, 'entity')
  assert.equal(r.okta_app.endpoint, 'GET /api/v1/apps')
  assert.deepEqual(r.okta_app.fields.map((f) => f.name), ['label', 'name', 'status', 'signOnMode', 'createdAt', 'lastUpdatedAt'])
  assert.deepEqual(r.okta_app.filterable.map((f) => f.field), ['status', 'signOnMode'])
  assert.deepEqual(Object.keys(r.okta_app.responses), ['apps'])
  for (const def of Object.values(r)) {
    assert.ok(def.description.length > 10)
    // The table's machine keys stay internal: rawdash's resource definition shape only.
    // (A metric resource: rawdash's metric keys instead of fields.)
    const allowed = def.shape === 'metric' ? ['shape', 'description', 'endpoint', 'unit', 'granularity', 'dimensions', 'measures', 'notes'] : ['shape', 'description', 'endpoint', 'fields', 'filterable', 'notes', 'responses']
    for (const key of Object.keys(def)) assert.ok(allowed.includes(key), key)
  }
})

test('response schemas accept real simulator responses and reject missing ids', async () => {
  await withSim({ users: 30, groups: 5, events: 60 }, async (sim) => {
    await fullSync(sim)
    const fetchJson = async (path) => (await fetch(`${sim.url}${path}`, { headers: { authorization: `SSWS ${sim.token}` } })).json()
    assert.equal(esm.schemas.users.safeParse(await fetchJson('/api/v1/users')).success, true)
    assert.equal(esm.schemas.groups.safeParse(await fetchJson('/api/v1/groups')).success, true)
    assert.equal(esm.schemas.auth_events.safeParse(await fetchJson('/api/v1/logs?limit=50')).success, true)
  })
  assert.equal(esm.schemas.users.safeParse([{ id: '' }]).success, false)
  assert.equal(esm.schemas.users.safeParse([{ id: 'x', status: null, profile: null }]).success, true)
  assert.ok(z.toJSONSchema(esm.schemas.groups))
})

test('the committed metadata is the native definition (without its version): `npm run metadata` when this fails', () => {
  const { version, ...def } = esm.definition()
  assert.equal(version, require('../package.json').version)
  assert.deepEqual(require('../src/js/metadata.cjs'), def, 'src/js/metadata.cjs is stale: run `npm run metadata` and commit it')
})

test('the native stand-ins cover every export of the addon', () => {
  const { NATIVE_EXPORTS, load } = require('../src/js/native.cjs')
  const binding = load()
  assert.deepEqual([...NATIVE_EXPORTS].sort(), Object.keys(binding).filter((k) => k !== '__napiBindingTarget').sort())
  const cjs = require('../src/js/index.cjs')
  for (const name of NATIVE_EXPORTS) assert.equal(typeof cjs[name], 'function', name)
  // The stand-ins behave as the native classes: construction, instanceof, methods.
  const r = new cjs.Redactor(['s3cr3t-value'])
  assert.ok(r instanceof cjs.Redactor && r instanceof binding.Redactor)
  assert.equal(r.redact('token s3cr3t-value here'), 'token [redacted] here')
  assert.equal(cjs.Redactor.name, 'Redactor')
  assert.equal(cjs.definition().id, 'okta')
})

test('the native definition is plain data and lists every error code with its kind', () => {
  const def = esm.definition()
  assert.equal(def.id, 'okta')
  assert.ok(def.errors.length >= 15)
  const kinds = new Set(def.errors.map((e) => e.kind))
  assert.deepEqual([...kinds].sort(), ['auth', 'client_bug', 'rate_limit', 'transient', 'upstream_bug'])
  assert.deepEqual(def.errors.find((e) => e.code === 'OKTA_INVALID_TOKEN'), { code: 'OKTA_INVALID_TOKEN', kind: 'auth' })
})

test('the native page stream yields mapped pages with their resume cursor, and break stops it', async () => {
  await withSim({ users: 450, groups: 5, events: 10 }, async (sim) => {
    const client = new esm.OktaClient({ host: 'acme.okta.com', token: sim.token, baseUrl: sim.url })
    const pages = []
    for await (const raw of client.stream('users', { mode: 'full', nowMs: Date.now() })) {
      const item = JSON.parse(raw.toString('latin1'))
      if (item.kind !== 'page') continue
      pages.push(item)
      if (pages.length === 2) break
    }
    assert.equal(pages[0].records.length, 200)
    assert.equal(pages[0].records[0].type, 'okta_user')
    assert.equal(pages[1].url, pages[0].next, 'each page carries the URL to resume from')
    await new Promise((r) => setTimeout(r, 100))
    const users = sim.requests.filter((r) => r.bucket === 'users').length
    assert.ok(users <= 3, `stopped after break (${users} requests)`)
    assert.equal(client.stats().pages >= 2, true)
  })
})
