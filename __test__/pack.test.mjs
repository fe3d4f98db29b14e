// Packaging: `npm pack` the repo, install the tarball into a fresh ESM TypeScript
// project (with typescript and zod from the npm registry), then use it the way a
// rawdash user does: import/require, the README's rawdash.config.ts and registry
// (extracted verbatim) run through a host harness against the simulator, and a
// strict type-check against the host contract's structural types (a stand-in
// @rawdash/core). Fixture files: __test__/fixtures/pack/.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { cp, mkdtemp, rm, readdir, readFile, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const FIXTURE = fileURLToPath(new URL('./fixtures/pack/', import.meta.url))
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const NETWORK_ERROR = /ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENETUNREACH|EHOSTUNREACH|network|socket hang up|request to https?:\/\/\S+ failed/i

function run(cmd, args, { cwd, env = {}, timeout = 120_000 } = {}) {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: { ...process.env, ...env }, timeout, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr, killed: Boolean(err?.killed) })
    })
  })
}

const node = (file, opts) => run(process.execPath, [file], opts)
/** The README's `ts` blocks of "Use it in rawdash": [rawdash.config.ts, the server's registry]. */
async function readmeExample() {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Use it in rawdash'), readme.indexOf('\n## ', readme.indexOf('## Use it in rawdash') + 5))
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1])
  assert.equal(blocks.length, 2, 'the README shows rawdash.config.ts and the registry')
  return { config: blocks[0], registry: blocks[1] }
}

/** The README's testing-utilities example (the `js` block of "Testing utilities"). */
async function readmeTestingExample() {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8')
  const start = readme.indexOf('## Testing utilities')
  const section = readme.slice(start, readme.indexOf('\n## ', start + 5))
  const block = /```js\n([\s\S]*?)```/.exec(section)
  assert.ok(block, 'the README shows a testing-utilities example')
  return block[1]
}

const tsc = (project, cwd, extra = []) => run(process.execPath, [join(cwd, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project, ...extra], { cwd })

/** Known causes of type errors in this package's typings, with the fix. */
function hints(output) {
  const out = []
  if (/is missing in type 'typeof import\(".*connector-okta\/index"\)'|Type 'typeof import\(".*connector-okta\/index"\)' has no construct signatures/.test(output)) {
    out.push(
      'HINT: under nodenext, `import OktaConnector from` is typed as the whole CommonJS module: index.d.ts is CommonJS-format types (the package has no "type": "module"), so its `export default` is `exports.default`. Give the "import" condition ESM types, e.g. src/js/index.d.mts = `export * from \'../../index.js\'; export { OktaConnector as default } from \'../../index.js\'` and exports["."] = { "import": { "types": "./src/js/index.d.mts", "default": "./src/js/index.mjs" }, "require": { "types": "./index.d.ts", "default": "./src/js/index.cjs" } }.',
    )
  }
  if (/Index signature for type 'string' is missing in type 'StorageHandle'/.test(output)) {
    out.push('HINT: the package\'s StorageHandle type has `[key: string]: unknown`, so a host storage interface (no index signature) is not assignable to it; drop the index signature in src/js/types.d.ts.')
  }
  return out.length ? `\n${out.join('\n')}` : ''
}

let work // temp dir: the tarball and the consumer project
let project
let packed // npm pack --json entry

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'rawdash-okta-pack-'))
  project = join(work, 'project')
  // --ignore-scripts: `prepare` would rebuild the addon in release mode (minutes) and
  // overwrite the working tree's binary; the test packs what is built.
  const pack = await run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT })
  assert.equal(pack.code, 0, `npm pack failed:\n${pack.stderr}`)
  packed = JSON.parse(pack.stdout)[0]

  await cp(FIXTURE, project, { recursive: true })
  const tarball = join(work, packed.filename)
  const install = await run(NPM, ['install', '--no-audit', '--no-fund', '--no-update-notifier', tarball, 'typescript@^5.9', 'zod@^4.1'], { cwd: project, timeout: 90_000 })
  if (install.code !== 0) {
    const out = `${install.stdout}\n${install.stderr}`
    if (install.killed || NETWORK_ERROR.test(out)) {
      assert.fail(`the npm registry is unreachable, so typescript and zod cannot be installed for the packaging test (npm install ${install.killed ? 'timed out' : 'failed'}):\n${out.slice(-2000)}`)
    }
    assert.fail(`npm install of the packed tarball failed:\n${out.slice(-4000)}`)
  }
  // The @rawdash/core stand-in, and the README's example exactly as printed.
  await cp(join(FIXTURE, 'rawdash-core'), join(project, 'node_modules', '@rawdash', 'core'), { recursive: true })
  const example = await readmeExample()
  await writeFile(join(project, 'rawdash.config.ts'), example.config)
  await writeFile(join(project, 'connectors.ts'), example.registry)
})

after(async () => {
  if (work) await rm(work, { recursive: true, force: true })
})

test('the tarball holds the package and nothing else', () => {
  const files = packed.files.map((f) => f.path).sort()
  for (const required of [
    'package.json',
    'README.md',
    'index.js',
    'index.d.ts',
    'src/js/index.cjs',
    'src/js/index.mjs',
    'src/js/host.cjs',
    'src/js/host.mjs',
    'src/js/types.d.ts',
    'src/cli/rawdash-okta.mjs',
    'src/simulator/index.cjs',
  ]) {
    assert.ok(files.includes(required), `missing from the tarball: ${required}`)
  }
  assert.ok(files.some((f) => /^connector-okta\.[\w-]+\.node$/.test(f)), 'a native binary')
  const junk = files.filter((f) => /^(__test__|target|node_modules|\.ci|\.git)\/|\.rs$|^Cargo\.|^build\.rs$|^rustfmt\.toml$|\.tgz$|\.tmp$/.test(f))
  assert.deepEqual(junk, [], 'junk in the tarball')
  // Every file the CLI imports is shipped.
  for (const f of ['args.mjs', 'check.mjs', 'dashboard.mjs', 'demo.mjs', 'explain.mjs', 'progress.mjs', 'run-sync.mjs', 'sync.mjs', 'ui.mjs']) {
    assert.ok(files.includes(`src/cli/${f}`), `src/cli/${f}`)
  }
})

test('import and require: the default export is the class; named exports and subpaths are there', async () => {
  const esm = await node('exports-esm.mjs', { cwd: project })
  assert.equal(esm.code, 0, esm.stderr)
  const e = JSON.parse(esm.stdout)
  assert.equal(e.defaultIsClass, true)
  assert.equal(e.defaultIsNamed, true)
  assert.equal(e.sameClassAsRequire, true, 'import and require give the same class (no dual-package hazard)')
  for (const name of ['default', 'OktaConnector', 'OktaConnectorError', 'id', 'doc', 'configFields', 'resources', 'schemas', 'validateConfig']) {
    assert.ok(e.namespaceKeys.includes(name), `ESM export ${name}`)
  }
  assert.equal(e.id, 'okta')
  assert.equal(e.staticId, 'okta')
  assert.equal(e.displayName, 'Okta')
  assert.equal(e.configFieldsParses, true)
  assert.equal(e.configFieldsRejects, false)
  assert.deepEqual(e.jsonSchemaProperties.filter((k) => ['host', 'apiToken', 'resources'].includes(k)), ['apiToken', 'host', 'resources'])
  assert.deepEqual(e.resources, ['okta_auth_event', 'okta_group', 'okta_user'])
  assert.deepEqual(e.schemas, ['auth_events', 'groups', 'users'])
  assert.equal(e.staticResourcesSame, true)
  assert.deepEqual(e.host, ['MemoryStorage', 'ServerRunner', 'defineConfig', 'instantiateConnector', 'runSync'])

  const cjs = await node('exports-cjs.cjs', { cwd: project })
  assert.equal(cjs.code, 0, cjs.stderr)
  const c = JSON.parse(cjs.stdout)
  assert.equal(c.defaultIsClass, true)
  assert.equal(c.id, 'okta')
  assert.equal(c.staticId, 'okta')
  assert.equal(c.configFields, true)
  assert.deepEqual(c.resources, ['okta_auth_event', 'okta_group', 'okta_user'])
  assert.deepEqual(c.host, ['MemoryStorage', 'ServerRunner', 'defineConfig', 'instantiateConnector', 'runSync'])
  assert.equal(c.simulator, true)
  assert.equal(c.version, packed.version)
})

test('the README example is rawdash\'s shape: secret(), { name, connectorId, config }, one dashboard, registry on the server', async () => {
  const { config, registry } = await readmeExample()
  assert.match(config, /^import \{ defineConfig, defineDashboard, defineMetric, secret \} from '@rawdash\/core'$/m)
  assert.match(config, /name: 'okta',\n\s+connectorId: 'okta',/)
  assert.match(config, /apiToken: secret\('OKTA_API_TOKEN'\)/)
  assert.doesNotMatch(config, /connectorRegistry|\bid: 'okta'|connector: 'okta'/)
  assert.equal((config.match(/defineDashboard\(/g) ?? []).length, 1)
  assert.equal((config.match(/kind: '/g) ?? []).length, 2)
  assert.match(registry, /connectorRegistry = \{ okta: OktaConnector \}/)
})

test('rawdash.config.ts type-checks strictly against the host contract (nodenext resolution)', async () => {
  const r = await tsc('tsconfig.json', project, ['--noEmit'])
  assert.equal(r.code, 0, `tsc --noEmit (module/moduleResolution nodenext, strict) failed:\n${r.stdout}${r.stderr}${hints(r.stdout)}`)
})

test('rawdash.config.ts type-checks strictly against the host contract (bundler resolution)', async () => {
  const r = await tsc('tsconfig.bundler.json', project)
  assert.equal(r.code, 0, `tsc (moduleResolution bundler, strict) failed:\n${r.stdout}${r.stderr}${hints(r.stdout)}`)
})

test('rawdash.config.ts, compiled, runs through the host harness against the simulator', async () => {
  // Strip the types of the README's config and registry (type errors are the two tests above).
  const build = await run(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '--noCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'ES2022', '--outDir', 'dist', 'rawdash.config.ts', 'connectors.ts'], { cwd: project })
  assert.equal(build.code, 0, `tsc rawdash.config.ts failed:\n${build.stdout}${build.stderr}`)
  assert.ok((await readdir(join(project, 'dist'))).includes('rawdash.config.js'))

  // The simulator from the INSTALLED package.
  const { startSimulator, SIGN_IN_EVENT_TYPES } = createRequire(join(project, 'package.json'))('@rawdash/connector-okta/simulator')
  const sim = await startSimulator({ users: 230, groups: 12, events: 1200, seed: 5, token: 'pack-test-token-123' })
  try {
    const r = await node('harness.mjs', { cwd: project, env: { OKTA_API_TOKEN: sim.token, OKTA_BASE_URL: sim.url } })
    assert.equal(r.code, 0, `harness failed:\n${r.stdout}${r.stderr}`)
    const h = JSON.parse(r.stdout)
    assert.equal(h.configValid, true)
    assert.equal(h.connectorId, 'okta')
    assert.equal(h.done, true)
    const signIns = [...sim.org.events()].filter((e) => SIGN_IN_EVENT_TYPES.includes(e.eventType)).length
    assert.deepEqual(h.stored, { users: 230, groups: 12, events: signIns })
    assert.equal(h.resourcesDone, 3)
    assert.deepEqual(h.serialized, { host: 'acme.okta.com', resources: ['users', 'groups', 'auth_events'], apiToken: { $secret: 'OKTA_API_TOKEN' } })
    assert.deepEqual(h.dashboards, { identity: ['active_users', 'sign_ins_per_day'] })
    assert.ok(!r.stdout.includes(sim.token) && !r.stderr.includes(sim.token), 'token printed')
    assert.ok(sim.requests.every((q) => q.headers.authorization === `SSWS ${sim.token}`))

    // The installed bin works too.
    const bin = join(project, 'node_modules', '.bin', process.platform === 'win32' ? 'rawdash-okta.cmd' : 'rawdash-okta')
    sim.resetLog()
    const check = await run(bin, ['check', '--host', 'acme.okta.com', '--base-url', sim.url], { cwd: project, env: { OKTA_API_TOKEN: sim.token } })
    assert.equal(check.code, 0, `${check.stdout}${check.stderr}`)
    assert.match(check.stdout, /All 3 resources are readable/)
    assert.equal(sim.requests.length, 3)
  } finally {
    await sim.close()
  }
})

test('the README testing-utilities example runs as printed against the installed package', async () => {
  // Needs dist/ from the previous test (the compiled README config and registry).
  await writeFile(join(project, 'dist', 'testing.mjs'), await readmeTestingExample())
  const r = await node(join('dist', 'testing.mjs'), { cwd: project })
  assert.equal(r.code, 0, `${r.stdout}${r.stderr}`)
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1))
  const { generateOrg } = createRequire(join(project, 'package.json'))('@rawdash/connector-okta/simulator')
  const active = [...generateOrg({ users: 200, groups: 10, events: 2000, seed: 1 }).users()].filter((u) => u.status === 'ACTIVE').length
  assert.deepEqual(out, { done: true, activeUsers: active })
})
