// Metadata without the native addon: rawdash's metadata catalog (also used by its
// edge-runtime services) imports { id, doc, configFields, resources } (and we export
// schemas) where no native addon can load. They come from the committed
// src/js/metadata.cjs (generated from the Rust definition(); a cargo test and
// surface.test.mjs fail when it is stale); the addon loads only when a connector is
// constructed or synced. Plus the bookkeeping entity type, declared but never a
// resource to select or sync.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import OktaConnector, { resources, configFields, validateConfig } from '../src/js/index.mjs'
import schemasModule from '../src/js/schemas.cjs'
import { RESOURCE_NAMES, DEFAULT_RESOURCES } from '../src/cli/args.mjs'
import { withSim, connectorFor, MemoryStorage, runSync } from './helpers.mjs'

const require = createRequire(import.meta.url)
const PRELOAD = fileURLToPath(new URL('./fixtures/no-native/preload.cjs', import.meta.url))
const USE = fileURLToPath(new URL('./fixtures/no-native/use.mjs', import.meta.url))
const SIGNED_IN = ['okta_admin_role_assignment', 'okta_app', 'okta_app_assignment', 'okta_auth_event', 'okta_device', 'okta_factor', 'okta_group', 'okta_group_member', 'okta_log_event', 'okta_sync_state', 'okta_user']
// The computed daily metrics (shape metric): declared, never selected or synced by name.
const METRICS = ['okta_daily_active_users', 'okta_mfa_coverage', 'okta_mfa_factor_users', 'okta_mfa_phishing_resistant_coverage', 'okta_sign_in_failure_rate', 'okta_sign_in_failures', 'okta_sign_ins']

function runWithoutNative(mode) {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--require', PRELOAD, USE, mode], { timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }))
  })
}

for (const mode of ['esm', 'cjs']) {
  test(`metadata imports and works where no native addon can load (${mode})`, async () => {
    const r = await runWithoutNative(mode)
    assert.equal(r.code, 0, r.stderr)
    const report = JSON.parse(r.stdout)
    assert.equal(report.afterImport, 0, 'importing the package loads no native addon')
    assert.equal(report.afterMetadata, 0, 'using the metadata loads no native addon')
    assert.equal(report.id, 'okta')
    assert.equal(report.staticId, 'okta')
    assert.equal(report.category, 'security')
    assert.equal(report.displayName, 'Okta')
    assert.equal(report.good, true)
    assert.deepEqual(report.goodData, { host: 'acme.okta.com', apiToken: { $secret: 'OKTA_API_TOKEN' } })
    // The same issues the native checker reports (config.test.mjs compares them).
    assert.deepEqual(report.badIssues.map((i) => i.path.join('.')), ['host', 'apiToken', 'resources.0'])
    assert.equal(report.badIssues[0].message, schemasModule.HOST_MESSAGE)
    assert.deepEqual(report.jsonSchema, ['apiToken', 'host', 'logEvents', 'oauth', 'rateLimitShare', 'requestTimeoutMs', 'resources', 'syncBudgetSeconds'])
    assert.deepEqual(report.resources, [...SIGNED_IN, ...METRICS].sort())
    assert.equal(report.staticResources, true)
    assert.deepEqual(report.schemas, ['admin_roles', 'app_assignments', 'apps', 'auth_events', 'devices', 'factors', 'group_members', 'groups', 'log_events', 'users'])
    assert.equal(report.usersSchemaParses, true)
    assert.deepEqual(report.responses.okta_user, ['users'])
    assert.deepEqual(report.responses.okta_sync_state, [])
    assert.equal(report.standIns, true)
    // Constructing needs the addon: the load error says why, naming the platform.
    assert.equal(report.constructed, undefined)
    assert.equal(report.constructError.code, 'OKTA_NATIVE_BINDING_MISSING')
    assert.match(report.constructError.message, /no native binary loaded for this platform/)
    assert.ok(report.afterConstruct > 0, 'constructing tried to load the addon')
    assert.equal(report.validateError, 'OKTA_NATIVE_BINDING_MISSING')
  })
}

test('the package declares "sideEffects": false, as rawdash connector packages do', () => {
  assert.equal(require('../package.json').sideEffects, false)
})

test('okta_sync_state is declared, but no resource to select, list or sync', () => {
  assert.equal(resources.okta_sync_state.shape, 'entity')
  assert.equal(OktaConnector.resources.okta_sync_state, resources.okta_sync_state)
  // Not in the resource table every JS list derives from, nor in the CLI's lists.
  assert.ok(!schemasModule.resourceTable.some((r) => r.name === 'okta_sync_state'))
  assert.deepEqual(schemasModule.resourceTable.map((r) => r.name).sort(), SIGNED_IN.filter((n) => n !== 'okta_sync_state'))
  assert.ok(!Object.values(RESOURCE_NAMES).some((r) => r.resource === 'okta_sync_state'))
  assert.ok(!DEFAULT_RESOURCES.includes('okta_sync_state') && !DEFAULT_RESOURCES.includes('sync_state'))
  // Not selectable in settings.resources, by any validator.
  const selectable = configFields.shape.resources.unwrap().element.options
  assert.deepEqual(selectable, ['users', 'groups', 'auth_events', 'apps', 'factors', 'group_members', 'app_assignments', 'devices', 'admin_roles', 'log_events'])
  for (const name of ['okta_sync_state', 'sync_state']) {
    const input = { host: 'acme.okta.com', apiToken: { $secret: 'T' }, resources: [name] }
    assert.equal(configFields.safeParse(input).success, false)
    assert.throws(() => validateConfig(input), (err) => err.issues[0].field === 'resources[0]')
    assert.throws(() => new OktaConnector({ host: 'acme.okta.com', resources: [name] }, { apiToken: 't' }), (err) => err.issues[0].field === 'resources[0]')
  }
})

test('a host asking for okta_sync_state (a widget on it) syncs nothing for it', async () => {
  await withSim({ users: 5, groups: 1, events: 5 }, async (sim) => {
    const { connector } = connectorFor(sim)
    const storage = new MemoryStorage()
    assert.deepEqual(await connector.sync({ mode: 'full', resources: new Set(['okta_sync_state']) }, storage), { done: true })
    assert.equal(sim.requests.length, 0)
    assert.equal(storage.entityMap.size + storage.eventList.length, 0)
  })
})

test('every entity type and event name a sync stores is declared in resources (rawdash\'s connector test)', async () => {
  await withSim({ users: 60, groups: 6, apps: 4, devices: 8, events: 300 }, async (sim) => {
    const { connector } = connectorFor(sim, { resources: ['users', 'groups', 'auth_events', 'apps', 'factors', 'devices', 'admin_roles', 'log_events'] })
    const storage = new MemoryStorage()
    const run = await runSync(connector, storage, { mode: 'full' })
    assert.equal(run.done, true)
    const types = [...storage.entityMap.keys()]
    const names = [...new Set(storage.eventList.map((e) => e.name))]
    assert.ok(types.includes('okta_sync_state'), `the sync stored its bookkeeping: ${types}`)
    for (const stored of [...types, ...names]) assert.ok(stored in resources, `${stored} is stored but not declared in resources`)
    for (const t of types) assert.equal(resources[t].shape, 'entity', t)
    for (const n of names) assert.equal(resources[n].shape, 'event', n)
  })
})
