// Config validation: configFields (zod) and the native validateConfig agree on one
// table; bad input is rejected naming the field; the token never leaks.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { z } from 'zod'
import OktaConnector, { configFields, validateConfig, checkConfig } from '../src/js/index.mjs'
import { instantiateConnector } from '../src/js/host.mjs'

const HOST_MESSAGE = 'Use the org host only (e.g. "acme.okta.com"), without the protocol or path.'
const token = { $secret: 'OKTA_API_TOKEN' }

// [description, input, undefined for valid | the fields expected at fault]
const TABLE = [
  ['minimal', { host: 'acme.okta.com', apiToken: token }],
  ['trimmed host', { host: '  acme.okta.com  ', apiToken: token }],
  ['uppercase host', { host: 'ACME.OKTA.COM', apiToken: token }],
  ['preview org', { host: 'dev-123456.oktapreview.com', apiToken: token }],
  ['all resources', { host: 'acme.okta.com', apiToken: token, resources: ['users', 'groups', 'auth_events'] }],
  ['one resource', { host: 'acme.okta.com', apiToken: token, resources: ['auth_events'] }],
  ['unknown keys dropped', { host: 'acme.okta.com', apiToken: token, color: 'blue' }],
  ['rate share', { host: 'acme.okta.com', apiToken: token, rateLimitShare: 0.25 }],
  ['full share', { host: 'acme.okta.com', apiToken: token, rateLimitShare: 1 }],
  ['timeout', { host: 'acme.okta.com', apiToken: token, requestTimeoutMs: 15000 }],
  ['sync budget', { host: 'acme.okta.com', apiToken: token, syncBudgetSeconds: 240 }],
  ['sync budget bounds', { host: 'acme.okta.com', apiToken: token, syncBudgetSeconds: 3600 }],
  ['sync budget too small', { host: 'acme.okta.com', apiToken: token, syncBudgetSeconds: 9 }, ['syncBudgetSeconds']],
  ['sync budget too large', { host: 'acme.okta.com', apiToken: token, syncBudgetSeconds: 3601 }, ['syncBudgetSeconds']],
  ['fractional sync budget', { host: 'acme.okta.com', apiToken: token, syncBudgetSeconds: 60.5 }, ['syncBudgetSeconds']],
  ['protocol', { host: 'https://acme.okta.com', apiToken: token }, ['host']],
  ['path', { host: 'acme.okta.com/api', apiToken: token }, ['host']],
  ['port', { host: 'acme.okta.com:443', apiToken: token }, ['host']],
  ['no tld', { host: 'acme', apiToken: token }, ['host']],
  ['empty host', { host: '', apiToken: token }, ['host']],
  ['blank host', { host: '   ', apiToken: token }, ['host']],
  ['missing host', { apiToken: token }, ['host']],
  ['numeric host', { host: 42, apiToken: token }, ['host']],
  ['plain token', { host: 'acme.okta.com', apiToken: '00abc' }, ['apiToken']],
  ['empty secret name', { host: 'acme.okta.com', apiToken: { $secret: '' } }, ['apiToken']],
  ['missing token', { host: 'acme.okta.com' }, ['apiToken']],
  ['empty resources', { host: 'acme.okta.com', apiToken: token, resources: [] }, ['resources']],
  ['unknown resource', { host: 'acme.okta.com', apiToken: token, resources: ['users', 'members'] }, ['resources']],
  ['resources not array', { host: 'acme.okta.com', apiToken: token, resources: 'users' }, ['resources']],
  ['zero share', { host: 'acme.okta.com', apiToken: token, rateLimitShare: 0 }, ['rateLimitShare']],
  ['share above 1', { host: 'acme.okta.com', apiToken: token, rateLimitShare: 1.5 }, ['rateLimitShare']],
  ['tiny timeout', { host: 'acme.okta.com', apiToken: token, requestTimeoutMs: 5 }, ['requestTimeoutMs']],
  ['fractional timeout', { host: 'acme.okta.com', apiToken: token, requestTimeoutMs: 1500.5 }, ['requestTimeoutMs']],
  ['everything wrong', { host: 'http://x', apiToken: 'plain', resources: ['nope'] }, ['host', 'apiToken', 'resources']],
]

const topField = (f) => f.replace(/\[\d+\].*$/, '').split('.')[0]

for (const [name, input, badFields] of TABLE) {
  test(`configFields and validateConfig agree: ${name}`, () => {
    const zodResult = configFields.safeParse(input)
    const native = checkConfig(input)
    if (!badFields) {
      assert.equal(zodResult.success, true, JSON.stringify(zodResult.error?.issues))
      assert.deepEqual(native.issues, [])
      assert.deepEqual(validateConfig(input), zodResult.data, 'both normalize the same way')
      assert.equal('color' in validateConfig(input), false, 'unknown keys are dropped')
    } else {
      assert.equal(zodResult.success, false)
      const zodFields = [...new Set(zodResult.error.issues.map((i) => String(i.path[0])))].sort()
      const nativeFields = [...new Set(native.issues.map((i) => topField(i.field)))].sort()
      assert.deepEqual(zodFields, [...badFields].sort())
      assert.deepEqual(nativeFields, [...badFields].sort())
      assert.throws(
        () => validateConfig(input),
        (err) => err.code === 'OKTA_INVALID_CONFIG' && err.kind === 'client_bug' && badFields.every((f) => err.message.includes(f)),
      )
    }
  })
}

test('host rejections carry the spec message in both validators', () => {
  for (const host of ['https://acme.okta.com', 'acme.okta.com/api', 'acme.okta.com:443']) {
    const zodMsg = configFields.safeParse({ host, apiToken: token }).error.issues[0].message
    assert.equal(zodMsg, HOST_MESSAGE)
    assert.equal(checkConfig({ host, apiToken: token }).issues[0].message, HOST_MESSAGE)
  }
})

test('configFields carries field meta and renders to JSON Schema', () => {
  const schema = z.toJSONSchema(configFields)
  assert.equal(schema.properties.host.label, 'Org host')
  assert.equal(schema.properties.host.placeholder, 'acme.okta.com')
  assert.equal(schema.properties.apiToken.label, 'API token')
  assert.equal(schema.properties.apiToken.placeholder, '00aBcD...')
  assert.equal(schema.properties.apiToken.secret, true)
  assert.equal(schema.properties.resources.label, 'Resources')
  // apiToken or oauth: exactly one, enforced by a refinement, so neither is required alone.
  assert.deepEqual(schema.required.sort(), ['host'])
  assert.equal(schema.properties.oauth.label, 'OAuth 2.0 service app')
  assert.deepEqual(Object.keys(schema.properties.oauth.properties).sort(), ['clientId', 'keyId', 'privateKey', 'scopes'])
  for (const f of ['host', 'apiToken', 'resources']) assert.ok(schema.properties[f].description.length > 10, f)
})

test('constructor rejects bad settings naming the field', () => {
  assert.throws(
    () => new OktaConnector({ host: 'https://acme.okta.com' }, { apiToken: 't' }),
    (err) => err.code === 'OKTA_INVALID_CONFIG' && err.issues[0].field === 'host',
  )
  assert.throws(
    () => new OktaConnector({ host: 'acme.okta.com', resources: ['members'] }, { apiToken: 't' }),
    (err) => err.issues[0].field === 'resources[0]',
  )
  assert.throws(() => new OktaConnector({ host: 'acme.okta.com' }, {}), (err) => err.issues[0].field === 'apiToken')
})

test('create() parses with configFields and rejects with field names', () => {
  const c = OktaConnector.create({ host: 'acme.okta.com', apiToken: token, resources: ['users'] })
  assert.equal(c.id, 'okta')
  assert.deepEqual(c.serializeConfig(), { host: 'acme.okta.com', resources: ['users'], apiToken: token })
  assert.throws(
    () => OktaConnector.create({ host: 'acme.okta.com', apiToken: 'plain-token' }),
    (err) => err.code === 'OKTA_INVALID_CONFIG' && err.issues.some((i) => i.field === 'apiToken') && !err.message.includes('plain-token'),
  )
})

test('create() errors are as helpful as validateConfig: same issues, the secret reference explained', () => {
  const inputs = [
    { host: 'acme.okta.com', apiToken: 'plain-token' },
    { host: 'https://acme.okta.com', apiToken: { $secret: '' }, resources: ['users', 'members'] },
    { apiToken: token },
    'acme.okta.com',
    undefined,
  ]
  for (const input of inputs) {
    let fromValidate
    let fromCreate
    try {
      validateConfig(input)
    } catch (err) {
      fromValidate = err
    }
    try {
      OktaConnector.create(input)
    } catch (err) {
      fromCreate = err
    }
    assert.ok(fromValidate && fromCreate, JSON.stringify(input))
    assert.equal(fromCreate.code, 'OKTA_INVALID_CONFIG')
    assert.deepEqual(fromCreate.issues, fromValidate.issues)
    assert.equal(fromCreate.message, fromValidate.message)
  }
  assert.throws(
    () => OktaConnector.create({ host: 'acme.okta.com', apiToken: 'plain-token' }),
    (err) => /apiToken: Expected a secret reference \{ \$secret: "OKTA_API_TOKEN" \}, not a plain value/.test(err.message) && !/expected object, received string/i.test(err.message),
  )
})

test('serializeConfig keeps secret references and never a token', () => {
  const ref = new OktaConnector({ host: 'acme.okta.com' }, { apiToken: token })
  assert.deepEqual(ref.serializeConfig(), { host: 'acme.okta.com', apiToken: token })
  const plain = new OktaConnector({ host: 'acme.okta.com' }, { apiToken: 'super-secret-token' })
  assert.ok(!JSON.stringify(plain.serializeConfig()).includes('super-secret-token'))
  // instantiateConnector path without credentials split: the token sits in settings.
  const inSettings = new OktaConnector({ host: 'acme.okta.com', apiToken: 'super-secret-token' })
  assert.ok(!JSON.stringify(inSettings.serializeConfig()).includes('super-secret-token'))
})

test('instantiateConnector splits creds by the static credentials map', () => {
  const entry = { id: 'okta', connector: 'okta', config: { host: 'acme.okta.com', apiToken: token } }
  const c = instantiateConnector(entry, { okta: OktaConnector }, undefined, undefined)
  assert.deepEqual(c.serializeConfig(), { host: 'acme.okta.com', apiToken: token })
  assert.deepEqual(Object.keys(OktaConnector.credentials), ['apiToken', 'oauth'])
  assert.equal(OktaConnector.credentials.apiToken.auth, 'optional')
  // A class without static credentials gets everything in settings: still works.
  class NoCreds extends OktaConnector {
    static credentials = undefined
  }
  const d = instantiateConnector(entry, { okta: NoCreds }, undefined, undefined)
  assert.deepEqual(d.serializeConfig(), { host: 'acme.okta.com', apiToken: token })
})

test('a token with header-injection characters is rejected without echoing it', async () => {
  const c = new OktaConnector({ host: 'acme.okta.com' }, { apiToken: 'abc\r\nX-Evil: yes' }, { baseUrl: 'http://127.0.0.1:9' })
  await assert.rejects(
    () => c.sync({ mode: 'full' }, {}),
    (err) => err.code === 'OKTA_INVALID_CONFIG' && err.issues[0].field === 'apiToken' && !err.message.includes('X-Evil'),
  )
})

test('a missing secret names the variable', async () => {
  delete process.env.OKTA_TEST_MISSING_TOKEN
  const c = new OktaConnector({ host: 'acme.okta.com' }, { apiToken: { $secret: 'OKTA_TEST_MISSING_TOKEN' } })
  await assert.rejects(
    () => c.sync({ mode: 'full' }, {}),
    (err) => err.code === 'OKTA_MISSING_SECRET' && err.kind === 'auth' && err.message.includes('OKTA_TEST_MISSING_TOKEN'),
  )
})

test('bad sync options are client_bug errors naming the option', async () => {
  const c = new OktaConnector({ host: 'acme.okta.com' }, { apiToken: 't' }, { baseUrl: 'http://127.0.0.1:9' })
  await assert.rejects(() => c.sync({ mode: 'sometimes' }, {}), (err) => err.code === 'OKTA_INVALID_OPTION' && err.message.includes('mode'))
  await assert.rejects(
    () => c.sync({ mode: 'latest', since: 'last tuesday' }, {}),
    (err) => err.code === 'OKTA_INVALID_OPTION' && err.kind === 'client_bug' && err.message.includes('since'),
  )
})

test('baseUrl must be an origin', () => {
  const c = new OktaConnector({ host: 'acme.okta.com' }, { apiToken: 't' }, { baseUrl: 'http://127.0.0.1:9/some/path' })
  return assert.rejects(() => c.sync({ mode: 'full' }, {}), (err) => err.code === 'OKTA_INVALID_CONFIG' && err.issues[0].field === 'baseUrl')
})
