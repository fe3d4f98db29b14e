// Config validation: configFields (zod) and the native validateConfig agree on one
// table; bad input is rejected naming the field; the token never leaks.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { z } from 'zod'
import OktaConnector, { configFields, validateConfig, checkConfig } from '../src/js/index.mjs'
import { instantiateConnector } from '../src/js/host.mjs'
import schemasModule from '../src/js/schemas.cjs'

const { issuesOf, definition } = schemasModule

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
  // The host rule (README, Configuration): DNS labels, a public top-level label.
  ['empty label', { host: 'a..b.com', apiToken: token }, ['host']],
  ['label ending with -', { host: 'x-.com', apiToken: token }, ['host']],
  ['inner label ending with -', { host: 'acme.okta-.com', apiToken: token }, ['host']],
  ['label starting with -', { host: 'acme.-okta.com', apiToken: token }, ['host']],
  ['trailing dot', { host: 'acme.okta.com.', apiToken: token }, ['host']],
  ['IPv4 address', { host: '127.0.0.1', apiToken: token }, ['host']],
  ['cloud metadata host', { host: 'metadata.google.internal', apiToken: token }, ['host']],
  ...['localhost', 'local', 'localdomain', 'internal', 'intranet', 'lan', 'home', 'corp', 'private', 'arpa', 'test', 'onion'].map((tld) => [
    `.${tld} host`,
    { host: `foo.${tld.toUpperCase()}`, apiToken: token },
    ['host'],
  ]),
  ['63-character label', { host: `${'a'.repeat(63)}.okta.com`, apiToken: token }],
  ['64-character label', { host: `${'a'.repeat(64)}.okta.com`, apiToken: token }, ['host']],
  ['host over 253 characters', { host: `${'ab.'.repeat(84)}com`, apiToken: token }, ['host']],
  ['punycode label', { host: 'xn--bcher-kva.okta.com', apiToken: token }],
  ['.invalid never resolves: accepted', { host: 'no-such-org.invalid', apiToken: token }],
  // A $secret name is an environment variable name.
  ['lowercase secret name', { host: 'acme.okta.com', apiToken: { $secret: 'okta_api_token' } }, ['apiToken']],
  ['secret name starting with a digit', { host: 'acme.okta.com', apiToken: { $secret: '1TOKEN' } }, ['apiToken']],
  ['secret name with a dash', { host: 'acme.okta.com', apiToken: { $secret: 'OKTA-TOKEN' } }, ['apiToken']],
  ['__proto__ as a secret name', { host: 'acme.okta.com', apiToken: { $secret: '__proto__' } }, ['apiToken']],
  ['underscore secret name', { host: 'acme.okta.com', apiToken: { $secret: '_OKTA_TOKEN_2' } }],
  ['private key secret name', { host: 'acme.okta.com', oauth: { clientId: '0oa1', privateKey: { $secret: 'okta key' } } }, ['oauth']],
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
  // A plain token: by the constructor's check.
  assert.throws(
    () => new OktaConnector({ host: 'acme.okta.com' }, { apiToken: 'abc\r\nX-Evil: yes' }, { baseUrl: 'http://127.0.0.1:9' }),
    (err) => err.code === 'OKTA_INVALID_CONFIG' && err.issues[0].field === 'apiToken' && !err.message.includes('X-Evil'),
  )
  // A secret that resolves to one: when the client is built, before any request.
  process.env.OKTA_TEST_EVIL_TOKEN = 'abc\r\nX-Evil: yes'
  try {
    const c = new OktaConnector({ host: 'acme.okta.com' }, { apiToken: { $secret: 'OKTA_TEST_EVIL_TOKEN' } }, { baseUrl: 'http://127.0.0.1:9' })
    await assert.rejects(
      () => c.sync({ mode: 'full' }, {}),
      (err) => err.code === 'OKTA_INVALID_CONFIG' && err.issues[0].field === 'apiToken' && !err.message.includes('X-Evil'),
    )
  } finally {
    delete process.env.OKTA_TEST_EVIL_TOKEN
  }
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

test('a secret reference that is not an environment variable name is never looked up', async () => {
  // The constructor path (creds given directly) skips validateConfig: the constructor's
  // own check refuses it, with validateConfig's message.
  process.env.lowercase_token = 'should-never-be-read'
  for (const [creds, field] of [
    [{ apiToken: { $secret: 'lowercase_token' } }, 'apiToken'],
    [{ apiToken: { $secret: 'hasOwnProperty' } }, 'apiToken'],
    [{ oauth: { clientId: '0oa1', privateKey: { $secret: '__proto__' } } }, 'oauth.privateKey'],
  ]) {
    let asked = 0
    const resolver = { resolve: () => (asked++, 'x') }
    for (const ctx of [{ baseUrl: 'http://127.0.0.1:9' }, { baseUrl: 'http://127.0.0.1:9', secretsResolver: resolver }]) {
      assert.throws(
        () => new OktaConnector({ host: 'acme.okta.com' }, creds, ctx),
        (err) =>
          err.code === 'OKTA_INVALID_CONFIG' &&
          err.issues[0].field === field &&
          err.issues[0].message === schemasModule.SECRET_NAME_MESSAGE &&
          !err.message.includes('should-never-be-read'),
      )
    }
    assert.equal(asked, 0, 'the secrets resolver is never asked')
  }
  delete process.env.lowercase_token
})

test('native client options: a wrong type names the field, never the value; nothing shows the token', async () => {
  const { OktaClient } = await import('../src/js/index.mjs')
  const { fromNative } = await import('../src/js/errors.cjs')
  const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----'
  for (const [options, field] of [
    [{ host: 'acme.okta.com', oauth: pem }, 'oauth'],
    [{ host: 'acme.okta.com', oauth: { clientId: '0oa1', scopes: pem } }, 'oauth.scopes'],
    [{ host: 'acme.okta.com', token: 't0k', resources: pem }, 'resources'],
    [pem, '(options)'],
  ]) {
    let caught
    try {
      new OktaClient(options)
    } catch (err) {
      caught = fromNative(err)
    }
    assert.ok(caught, JSON.stringify(field))
    assert.equal(caught.issues[0].field, field)
    const shown = JSON.stringify({ ...caught, message: caught.message, stack: caught.stack })
    assert.ok(!shown.includes('MIIE') && !shown.includes('BEGIN PRIVATE'), shown)
  }
  const util = await import('node:util')
  const client = new OktaClient({ host: 'acme.okta.com', token: 'SECRETt0ken-0123456789' })
  assert.ok(!util.inspect(client, { showHidden: true, depth: 5 }).includes('SECRETt0ken'))
  assert.ok(!JSON.stringify(client).includes('SECRETt0ken'))
})

test('baseUrl must be an origin', () => {
  assert.throws(
    () => new OktaConnector({ host: 'acme.okta.com' }, { apiToken: 't' }, { baseUrl: 'http://127.0.0.1:9/some/path' }),
    (err) => err.code === 'OKTA_INVALID_CONFIG' && err.issues[0].field === 'ctx.baseUrl' && /origin only/.test(err.message),
  )
})

// ---- One validator: the rules and messages live in Rust (src/config/rules.rs).

/** Splits a config the way a host's instantiateConnector does (static credentials). */
function split(input) {
  const { apiToken, oauth, ...settings } = input
  const creds = {}
  if (apiToken !== undefined) creds.apiToken = apiToken
  if (oauth !== undefined) creds.oauth = oauth
  return [settings, creds]
}

const caught = (fn) => {
  try {
    fn()
  } catch (err) {
    return err
  }
  assert.fail('expected a throw')
}

// Bad configs with secret references (which every path accepts), for the all-paths test.
const BAD = [
  { host: 'https://acme.okta.com', apiToken: { $secret: 'okta' }, resources: ['users', 'members', 7], rateLimitShare: 0, requestTimeoutMs: 999.5, syncBudgetSeconds: '60' },
  { host: ' ', oauth: { clientId: ' ', privateKey: { $secret: 'K' }, keyId: '', scopes: ['okta.users.read', 'a b', 3] } },
  { host: 42, oauth: { privateKey: { $secret: 'lower' } }, resources: [] },
  { host: 'acme.okta.com', apiToken: { $secret: 'T' }, oauth: { clientId: '0oa1', privateKey: { $secret: 'K' } } },
  { host: 'acme.okta.com', apiToken: { $secret: 'T' }, oauth: 'yes' },
  { host: null, resources: 'users', rateLimitShare: null },
  { host: 'foo.internal' },
  { host: `${'a'.repeat(250)}.com`, oauth: [] },
  { host: '\ufeffacme.okta.com\u00a0', apiToken: {} },
]

test('one validator: validateConfig, create(), the constructor and configFields.safeParse report identical issues', () => {
  for (const input of BAD) {
    const label = JSON.stringify(input)
    const zod = configFields.safeParse(input)
    assert.equal(zod.success, false, label)
    const expected = issuesOf(zod.error)
    assert.deepEqual(checkConfig(input).issues, expected, `checkConfig: ${label}`)
    assert.deepEqual(caught(() => validateConfig(input)).issues, expected, `validateConfig: ${label}`)
    assert.deepEqual(caught(() => OktaConnector.create(input)).issues, expected, `create(): ${label}`)
    assert.deepEqual(caught(() => new OktaConnector(...split(input))).issues, expected, `constructor: ${label}`)
    assert.deepEqual(caught(() => new OktaConnector(input)).issues, expected, `constructor, all in settings: ${label}`)
    for (const err of [caught(() => validateConfig(input)), caught(() => OktaConnector.create(input)), caught(() => new OktaConnector(...split(input)))]) {
      assert.equal(err.code, 'OKTA_INVALID_CONFIG')
      assert.equal(err.kind, 'client_bug')
    }
  }
  // A valid config normalizes the same on every path.
  const valid = { host: ' Acme.Okta.com ', oauth: { clientId: ' 0oa1 ', privateKey: { $secret: 'K' }, keyId: ' k1 ', scopes: ['okta.users.read'], junk: 1 }, rateLimitShare: 1, color: 'blue' }
  const zod = configFields.safeParse(valid)
  assert.equal(zod.success, true, JSON.stringify(zod.error?.issues))
  assert.deepEqual(validateConfig(valid), zod.data)
  assert.deepEqual(OktaConnector.create(valid).serializeConfig(), zod.data)
  assert.deepEqual(new OktaConnector(...split(valid)).serializeConfig(), zod.data)
})

test('every message is written once, in the exported rules; the drifted duplicates are gone', async () => {
  const { readFile } = await import('node:fs/promises')
  const messages = new Set()
  const walk = (rule) => {
    for (const m of Object.values(rule.messages)) messages.add(m)
    if (rule.items) walk(rule.items)
    for (const f of rule.fields ?? []) walk(f.rule)
  }
  for (const f of definition.configFields) walk(f.rule)
  messages.add(definition.configRules.exactlyOne.both.message)
  messages.add(definition.configRules.exactlyOne.neither.message)
  const both = definition.configRules.exactlyOne.both.message
  assert.match(both, /either apiToken .* or oauth .*not both/)
  // The JS layer holds no copy of a rule message; the Rust sources hold each once.
  for (const file of ['src/js/schemas.cjs', 'src/js/errors.cjs', 'src/js/connector.cjs', 'src/js/index.cjs']) {
    const text = await readFile(new URL(`../${file}`, import.meta.url), 'utf8')
    for (const m of messages) assert.ok(!text.includes(m.slice(0, 40)), `${file} repeats "${m}"`)
    assert.ok(!text.includes('UNCHECKED'), `${file} probes the native checker with a fake secret`)
  }
  // In the Rust sources (tests aside), the exactly-one message is written once.
  const files = ['src/config.rs', 'src/config/rules.rs', 'src/definition.rs', 'src/binding/mod.rs']
  const rust = (await Promise.all(files.map((f) => readFile(new URL(`../${f}`, import.meta.url), 'utf8')))).map((t) => t.split('#[cfg(test)]')[0]).join('\n')
  assert.equal(rust.split('not both: remove one').length - 1, 1, 'the exactly-one message is written once')
})

test('the constructor takes plain credentials, and names bad ones with the shared messages', () => {
  const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----'
  assert.deepEqual(new OktaConnector({ host: 'acme.okta.com' }, { apiToken: 'plain-t0ken' }).serializeConfig(), { host: 'acme.okta.com' })
  const jwk = new OktaConnector({ host: 'acme.okta.com' }, { oauth: { clientId: '0oa1', privateKey: { kty: 'EC', d: 'SECRET' } } })
  assert.deepEqual(jwk.serializeConfig(), { host: 'acme.okta.com', oauth: { clientId: '0oa1' } })
  assert.deepEqual(new OktaConnector({ host: 'acme.okta.com' }, { oauth: { clientId: '0oa1', privateKey: pem } }).serializeConfig(), { host: 'acme.okta.com', oauth: { clientId: '0oa1' } })
  const messages = (rule) => definition.configFields.find((f) => f.name === rule).rule.messages
  for (const [creds, field, message] of [
    [{ apiToken: 42 }, 'apiToken', messages('apiToken').input],
    [{ apiToken: ['t'] }, 'apiToken', messages('apiToken').input],
    [{ apiToken: '  ' }, 'apiToken', definition.configFields.find((f) => f.name === 'apiToken').rule.plainMessages.empty],
    [{ oauth: { clientId: '0oa1', privateKey: 7 } }, 'oauth.privateKey', definition.configFields.find((f) => f.name === 'oauth').rule.fields.find((f) => f.name === 'privateKey').rule.messages.input],
    [{ oauth: { clientId: '0oa1', privateKey: '' } }, 'oauth.privateKey', definition.configFields.find((f) => f.name === 'oauth').rule.fields.find((f) => f.name === 'privateKey').rule.messages.required],
    [{}, 'apiToken', definition.configRules.exactlyOne.neither.message],
  ]) {
    const err = caught(() => new OktaConnector({ host: 'acme.okta.com' }, creds))
    assert.equal(err.code, 'OKTA_INVALID_CONFIG')
    assert.deepEqual(err.issues, [{ field, message }], JSON.stringify(creds))
    assert.ok(!err.message.includes('MIIE') && !err.message.includes('SECRET'))
  }
})

test('configFields is built from the exported rules: bounds, patterns and messages', () => {
  const schema = z.toJSONSchema(configFields)
  const rule = (name) => definition.configFields.find((f) => f.name === name).rule
  assert.equal(schema.properties.host.pattern, rule('host').pattern.source)
  assert.equal(schema.properties.host.maxLength, rule('host').maxLength)
  assert.equal(schema.properties.requestTimeoutMs.minimum, rule('requestTimeoutMs').min)
  assert.equal(schema.properties.requestTimeoutMs.maximum, rule('requestTimeoutMs').max)
  assert.equal(schema.properties.rateLimitShare.exclusiveMinimum, 0)
  assert.deepEqual(schema.properties.resources.items.enum, rule('resources').items.values)
  assert.equal(schema.properties.apiToken.properties.$secret.pattern, rule('apiToken').name.source)
  // The host pattern is case-insensitive without flags, so a form's JSON Schema check agrees.
  assert.match('ACME.OKTA.COM', new RegExp(schema.properties.host.pattern))
})
