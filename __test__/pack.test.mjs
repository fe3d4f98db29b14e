// Packaging, the way npm users get the package: the main package plus this
// platform's binary package (npm/<platform>/, napi-rs's layout), prepared for
// release by `napi pre-publish` (which writes the main package's
// optionalDependencies), packed, and installed into a fresh ESM TypeScript
// project (with typescript and zod from the npm registry) by an npm whose PATH
// has no Rust toolchain. Then it is used the way a rawdash user does:
// import/require, the README's rawdash.config.ts and registry (extracted
// verbatim) run through a host harness against the simulator, a strict
// type-check against the host contract's structural types (a stand-in
// @rawdash/core), and the installed bin. `npm publish --dry-run` runs for every
// package and the shipped sizes are printed. Fixture files: __test__/fixtures/pack/.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, rm, readdir, readFile, realpath, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const FIXTURE = fileURLToPath(new URL('./fixtures/pack/', import.meta.url))
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const NAPI = join(ROOT, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js')
const NETWORK_ERROR = /ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENETUNREACH|EHOSTUNREACH|network|socket hang up|request to https?:\/\/\S+ failed/i
const ROOT_PKG = require('../package.json')
const { platformOf, publishedPlatforms, detectedPlatform } = require('../src/js/platform.cjs')
const PLATFORM = detectedPlatform() // e.g. linux-x64-gnu: the platform package this machine can load
const BINARY = `${ROOT_PKG.napi.binaryName}.${PLATFORM}.node`
const STAND_IN = 'stand-in: this target is built by the release workflow, not on this machine\n'

/** process.env with PATH cut to the entries that hold neither cargo nor rustc: a user's machine without Rust. */
function envWithoutRust() {
  const env = { ...process.env }
  const pathKey = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'PATH'
  const exe = process.platform === 'win32' ? ['cargo.exe', 'rustc.exe', 'cargo.cmd'] : ['cargo', 'rustc']
  const dirs = (env[pathKey] ?? '').split(delimiter).filter((d) => d && !exe.some((e) => existsSync(join(d, e))))
  for (const k of Object.keys(env)) if (k.toUpperCase() === 'PATH' || k.startsWith('CARGO') || k.startsWith('RUSTUP')) delete env[k]
  env.PATH = dirs.join(delimiter)
  return env
}
const NO_RUST = envWithoutRust()

function run(cmd, args, { cwd, env = NO_RUST, timeout = 120_000 } = {}) {
  return new Promise((resolve) => {
    // Windows runs npm.cmd and bin shims only through a shell (Node >= 18.20.2 / 20.12.2).
    const shell = process.platform === 'win32' && /\.cmd$/i.test(cmd)
    execFile(cmd, args, { cwd, env, timeout, shell, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
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
const sha256 = async (file) => createHash('sha256').update(await readFile(file)).digest('hex')
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`

async function pack(dir, destination) {
  // --ignore-scripts: the main package's `prepare` would rebuild the addon.
  const r = await run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', destination], { cwd: dir })
  assert.equal(r.code, 0, `npm pack in ${dir} failed:\n${r.stderr}`)
  return JSON.parse(r.stdout)[0]
}

/** Section names of an ELF64 little-endian file (enough to tell a stripped binary). */
function elfSections(buf) {
  if (buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2 || buf[5] !== 1) return null
  const shoff = Number(buf.readBigUInt64LE(0x28))
  const shentsize = buf.readUInt16LE(0x3a)
  const shnum = buf.readUInt16LE(0x3c)
  const strtab = Number(buf.readBigUInt64LE(shoff + buf.readUInt16LE(0x3e) * shentsize + 0x18))
  const names = []
  for (let i = 0; i < shnum; i++) {
    const start = strtab + buf.readUInt32LE(shoff + i * shentsize)
    names.push(buf.toString('latin1', start, buf.indexOf(0, start)))
  }
  return names
}

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

let work // temp dir: the staged release, the tarballs and the consumer project
let stage // the main package as released: the packed files plus npm/
let project
let packed // npm pack --json entry of the main package
let packedPlatform // ... of this platform's package
let guard // napi pre-publish without the other targets' binaries

before(async () => {
  const built = join(ROOT, BINARY)
  assert.ok(existsSync(built), `${BINARY} is not built: run \`npm run build\` (or \`npm ci\`, whose prepare script builds it)`)
  work = await mkdtemp(join(tmpdir(), 'rawdash-okta-pack-'))
  project = join(work, 'project')

  // Stage the release: exactly what `files` ships (npm pack, unpacked), plus npm/.
  const source = await pack(ROOT, work)
  const untar = await run('tar', ['-xzf', source.filename], { cwd: work })
  assert.equal(untar.code, 0, untar.stderr)
  stage = join(work, 'package')
  await cp(join(ROOT, 'npm'), join(stage, 'npm'), { recursive: true })

  // napi pre-publish refuses a release with a platform package missing its binary.
  guard = await run(process.execPath, [NAPI, 'pre-publish', '--skip-optional-publish', '--no-gh-release', '-t', 'npm'], { cwd: stage })

  // The release workflow's publish job: every build job's artifact is downloaded
  // to artifacts/bindings-<target>/, `napi artifacts` moves each binary into its
  // platform package, `napi pre-publish` writes optionalDependencies. This
  // platform's artifact is the binary built here; the other targets are built by
  // the workflow, and stand-in files let the napi steps run on their packages.
  for (const triple of ROOT_PKG.napi.targets) {
    const platform = platformOf(triple)
    const dir = join(stage, 'artifacts', `bindings-${triple}`)
    await mkdir(dir, { recursive: true })
    const dest = join(dir, `${ROOT_PKG.napi.binaryName}.${platform}.node`)
    if (platform === PLATFORM) await cp(built, dest)
    else await writeFile(dest, STAND_IN)
  }
  const artifacts = await run(process.execPath, [NAPI, 'artifacts'], { cwd: stage })
  assert.equal(artifacts.code, 0, `napi artifacts failed:\n${artifacts.stdout}${artifacts.stderr}`)
  const prepublish = await run(process.execPath, [NAPI, 'pre-publish', '--skip-optional-publish', '--no-gh-release', '-t', 'npm'], { cwd: stage })
  assert.equal(prepublish.code, 0, `napi pre-publish failed:\n${prepublish.stdout}${prepublish.stderr}`)

  packed = await pack(stage, work)
  packedPlatform = await pack(join(stage, 'npm', PLATFORM), work)

  await cp(FIXTURE, project, { recursive: true })
  const install = await run(
    NPM,
    ['install', '--no-audit', '--no-fund', '--no-update-notifier', join(work, packed.filename), join(work, packedPlatform.filename), 'typescript@^5.9', 'zod@^4.1'],
    { cwd: project, timeout: 90_000 },
  )
  if (install.code !== 0) {
    const out = `${install.stdout}\n${install.stderr}`
    if (install.killed || NETWORK_ERROR.test(out)) {
      assert.fail(`the npm registry is unreachable, so typescript and zod cannot be installed for the packaging test (npm install ${install.killed ? 'timed out' : 'failed'}):\n${out.slice(-2000)}`)
    }
    assert.fail(`npm install of the packed tarballs failed:\n${out.slice(-4000)}`)
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

test('the install ran with no Rust toolchain on PATH and loads the platform package\'s binary', async () => {
  for (const tool of ['cargo', 'rustc']) {
    const r = spawnSync(tool, ['--version'], { env: NO_RUST })
    assert.equal(r.error?.code, 'ENOENT', `${tool} is still on the test's PATH: ${r.stdout}`)
  }
  const installed = join(project, 'node_modules', '@rawdash', 'connector-okta')
  assert.deepEqual((await readdir(installed)).filter((f) => f.endsWith('.node')), [], 'the main package carries no binary')
  const r = await node('binding.cjs', { cwd: project })
  assert.equal(r.code, 0, r.stderr)
  const { atImport, loaded } = JSON.parse(r.stdout)
  assert.deepEqual(atImport, [], 'require() of the package loads no binary')
  assert.deepEqual(loaded, [join(await realpath(project), 'node_modules', '@rawdash', `connector-okta-${PLATFORM}`, BINARY)])
})

test('release manifests: optionalDependencies pin every platform package to the exact version; the platform package is napi-rs\'s shape', async () => {
  for (const platform of publishedPlatforms) {
    const file = join(stage, 'npm', platform, `${ROOT_PKG.napi.binaryName}.${platform}.node`)
    assert.ok(existsSync(file), `napi artifacts put no binary into npm/${platform}/`)
  }
  const main = JSON.parse(await readFile(join(stage, 'package.json'), 'utf8'))
  assert.deepEqual(main.optionalDependencies, Object.fromEntries(publishedPlatforms.map((p) => [`${ROOT_PKG.name}-${p}`, ROOT_PKG.version])))
  assert.equal(packed.version, ROOT_PKG.version)
  const files = packedPlatform.files.map((f) => f.path).sort()
  assert.deepEqual(files, [BINARY, 'README.md', 'package.json'].sort())
  const platformPkg = JSON.parse(await readFile(join(project, 'node_modules', '@rawdash', `connector-okta-${PLATFORM}`, 'package.json'), 'utf8'))
  assert.equal(platformPkg.name, `${ROOT_PKG.name}-${PLATFORM}`)
  assert.equal(platformPkg.version, ROOT_PKG.version)
  assert.equal(platformPkg.main, BINARY)
  assert.deepEqual(platformPkg.os, [process.platform])
  assert.deepEqual(platformPkg.cpu, [process.arch])
  if (process.platform === 'linux') assert.deepEqual(platformPkg.libc, [PLATFORM.endsWith('-musl') ? 'musl' : 'glibc'])
  // The shipped binary is the one built here, the release build (stripped).
  const shipped = join(project, 'node_modules', '@rawdash', `connector-okta-${PLATFORM}`, BINARY)
  assert.equal(await sha256(shipped), await sha256(join(ROOT, BINARY)))
  const sections = elfSections(await readFile(shipped))
  if (sections) {
    assert.ok(sections.includes('.dynsym'), 'an ELF shared object')
    assert.ok(!sections.includes('.symtab') && !sections.some((s) => s.startsWith('.debug_')), `not stripped (a debug build? run \`npm run build\`): ${sections.join(' ')}`)
  }
})

test('napi pre-publish refuses a release whose platform packages lack their binaries', () => {
  assert.notEqual(guard.code, 0, 'pre-publish passed with no binaries')
  const first = publishedPlatforms[0]
  assert.match(`${guard.stdout}${guard.stderr}`, new RegExp(`incomplete: missing ${ROOT_PKG.napi.binaryName}\\.${first}\\.node`))
})

test('npm publish --dry-run passes for the main package and every platform package; shipped sizes', async () => {
  const dirs = [['main', stage], ...publishedPlatforms.map((p) => [p, join(stage, 'npm', p)])]
  const rows = []
  for (const [label, dir] of dirs) {
    const r = await run(NPM, ['publish', '--dry-run', '--ignore-scripts', '--json'], { cwd: dir })
    assert.equal(r.code, 0, `npm publish --dry-run (${label}) failed:\n${r.stdout}${r.stderr}`)
    const out = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')))
    const entry = Object.values(out)[0] ?? out
    const name = label === 'main' ? ROOT_PKG.name : `${ROOT_PKG.name}-${label}`
    assert.equal(entry.name, name)
    assert.equal(entry.version, ROOT_PKG.version)
    const paths = entry.files.map((f) => f.path)
    if (label === 'main') {
      assert.deepEqual(paths.filter((f) => f.endsWith('.node')), [], 'no binary in the main package')
    } else {
      assert.ok(paths.includes(`${ROOT_PKG.napi.binaryName}.${label}.node`), `${label}: the binary is in the package`)
    }
    const real = label === 'main' || label === PLATFORM
    rows.push(`${name.padEnd(48)} ${real ? `${kib(entry.size).padStart(11)} packed ${kib(entry.unpackedSize).padStart(11)} unpacked` : '(binary built by the release workflow)'}`)
  }
  console.log(`shipped sizes (release profile: LTO, stripped):\n${rows.join('\n')}`)
})

test('without a loadable binary the metadata still loads; a connector\'s error names the platform, the published platforms and the source build', async () => {
  // The main package alone, as after `npm install --omit=optional` or npm's optional-deps bug.
  const bare = join(work, 'bare')
  await mkdir(join(bare, 'node_modules', '@rawdash'), { recursive: true })
  await cp(join(project, 'node_modules', '@rawdash', 'connector-okta'), join(bare, 'node_modules', '@rawdash', 'connector-okta'), { recursive: true })
  await cp(join(project, 'node_modules', 'zod'), join(bare, 'node_modules', 'zod'), { recursive: true })
  const published = `Prebuilt binaries are published for: ${publishedPlatforms.join(', ')}.`
  const source = /install Rust .*rustup\.rs.* run `npm install`.*napi build --platform --release/s

  // The metadata still loads (rawdash's catalog needs no binary); a connector cannot be built.
  const metadata = await run(process.execPath, ['-e', "const m = require('@rawdash/connector-okta'); console.log(JSON.stringify([m.id, m.doc.displayName, Object.keys(m.resources).length, m.configFields.safeParse({ host: 'acme.okta.com', apiToken: { $secret: 'T' } }).success]))"], { cwd: bare })
  assert.equal(metadata.code, 0, metadata.stderr)
  assert.deepEqual(JSON.parse(metadata.stdout), ['okta', 'Okta', 18, true])
  const missing = await run(process.execPath, ['-e', "new (require('@rawdash/connector-okta').OktaConnector)({ host: 'acme.okta.com' }, { apiToken: 't' })"], { cwd: bare })
  assert.notEqual(missing.code, 0)
  assert.ok(missing.stderr.includes(`no native binary loaded for this platform (${PLATFORM})`), missing.stderr)
  assert.ok(missing.stderr.includes(published), missing.stderr)
  assert.ok(missing.stderr.includes(`its package ${ROOT_PKG.name}-${PLATFORM} was not installed`), missing.stderr)
  assert.match(missing.stderr, source)

  // An unpublished platform (the loader reads process.arch), through `import`.
  const other = `${process.platform}-riscv64${process.platform === 'linux' ? `-${PLATFORM.split('-')[2]}` : process.platform === 'win32' ? '-msvc' : ''}`
  const esm = await run(process.execPath, ['--input-type=module', '-e', "Object.defineProperty(process, 'arch', { value: 'riscv64' }); const { default: OktaConnector } = await import('@rawdash/connector-okta'); OktaConnector.create({ host: 'acme.okta.com', apiToken: { $secret: 'T' } })"], { cwd: project })
  assert.notEqual(esm.code, 0)
  assert.ok(esm.stderr.includes(`no native binary loaded for this platform (${other})`), esm.stderr)
  assert.ok(esm.stderr.includes(`${other} has no prebuilt binary.`), esm.stderr)
  assert.ok(esm.stderr.includes(published), esm.stderr)
  assert.match(esm.stderr, source)
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
    'src/js/metadata.cjs',
    'src/js/host.cjs',
    'src/js/host.mjs',
    'src/js/types.d.ts',
    'src/cli/rawdash-okta.mjs',
    'src/simulator/index.cjs',
  ]) {
    assert.ok(files.includes(required), `missing from the tarball: ${required}`)
  }
  assert.deepEqual(files.filter((f) => f.endsWith('.node')), [], 'no native binary: it ships in the platform packages')
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
  assert.deepEqual(e.resources, ['okta_admin_role_assignment', 'okta_app', 'okta_app_assignment', 'okta_auth_event', 'okta_daily_active_users', 'okta_device', 'okta_factor', 'okta_group', 'okta_group_member', 'okta_log_event', 'okta_mfa_coverage', 'okta_mfa_factor_users', 'okta_mfa_phishing_resistant_coverage', 'okta_sign_in_failure_rate', 'okta_sign_in_failures', 'okta_sign_ins', 'okta_sync_state', 'okta_user'])
  assert.deepEqual(e.schemas, ['admin_roles', 'app_assignments', 'apps', 'auth_events', 'devices', 'factors', 'group_members', 'groups', 'log_events', 'users'])
  assert.equal(e.staticResourcesSame, true)
  assert.deepEqual(e.host, ['MemoryStorage', 'ServerRunner', 'defineConfig', 'instantiateConnector', 'runSync'])

  const cjs = await node('exports-cjs.cjs', { cwd: project })
  assert.equal(cjs.code, 0, cjs.stderr)
  const c = JSON.parse(cjs.stdout)
  assert.equal(c.defaultIsClass, true)
  assert.equal(c.id, 'okta')
  assert.equal(c.staticId, 'okta')
  assert.equal(c.configFields, true)
  assert.deepEqual(c.resources, ['okta_admin_role_assignment', 'okta_app', 'okta_app_assignment', 'okta_auth_event', 'okta_daily_active_users', 'okta_device', 'okta_factor', 'okta_group', 'okta_group_member', 'okta_log_event', 'okta_mfa_coverage', 'okta_mfa_factor_users', 'okta_mfa_phishing_resistant_coverage', 'okta_sign_in_failure_rate', 'okta_sign_in_failures', 'okta_sign_ins', 'okta_sync_state', 'okta_user'])
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
    const r = await node('harness.mjs', { cwd: project, env: { ...NO_RUST, OKTA_API_TOKEN: sim.token, OKTA_BASE_URL: sim.url } })
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
    assert.ok(sim.requests.every((q) => q.headers.authorization === 'SSWS <valid>'))

    // The installed bin works too.
    const bin = join(project, 'node_modules', '.bin', process.platform === 'win32' ? 'rawdash-okta.cmd' : 'rawdash-okta')
    sim.resetLog()
    const check = await run(bin, ['check', '--host', 'acme.okta.com', '--base-url', sim.url], { cwd: project, env: { ...NO_RUST, OKTA_API_TOKEN: sim.token } })
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
