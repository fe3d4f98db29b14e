// A fresh clone's `npm install`: the tracked lockfile stays unchanged, and no
// dependency's `engines` is narrower than the Node range package.json claims (so
// npm prints no EBADENGINE warning on any Node version we claim).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'))
const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8'))

function run(cmd, args, cwd) {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => resolve({ code: err ? err.code ?? -1 : 0, stdout, stderr }))
  })
}

/** npm's own semver (npm evaluates `engines` with it). */
async function npmSemver() {
  const root = (await run(NPM, ['root', '-g'], ROOT)).stdout.trim()
  const candidates = [join(root, 'npm', 'node_modules', 'semver'), join(dirname(dirname(process.execPath)), 'lib', 'node_modules', 'npm', 'node_modules', 'semver')]
  for (const c of candidates) {
    try {
      return createRequire(join(c, 'package.json'))(c)
    } catch {
      // try the next place
    }
  }
  return null
}

test('npm install on a fresh clone leaves package-lock.json unchanged and warns about no engine', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'okta-lock-'))
  try {
    await copyFile(join(ROOT, 'package.json'), join(dir, 'package.json'))
    await copyFile(join(ROOT, 'package-lock.json'), join(dir, 'package-lock.json'))
    const r = await run(NPM, ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], dir)
    assert.equal(r.code, 0, r.stderr)
    assert.doesNotMatch(r.stderr, /EBADENGINE/, 'engine warnings on this Node')
    const after = await readFile(join(dir, 'package-lock.json'), 'utf8')
    assert.equal(after, await readFile(join(ROOT, 'package-lock.json'), 'utf8'), 'npm install rewrote package-lock.json: run npm install and commit the lockfile')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('every locked dependency supports every Node version package.json claims', async (t) => {
  const semver = await npmSemver()
  assert.ok(semver, "npm's semver module was not found")
  const ours = pkg.engines.node
  assert.ok(semver.satisfies(process.version, ours), `this Node (${process.version}) is outside engines.node (${ours})`)
  assert.equal(lock.packages[''].engines?.node, ours, 'the lockfile records the same engines')
  const narrower = []
  for (const [path, entry] of Object.entries(lock.packages)) {
    const theirs = entry.engines?.node
    if (path === '' || !theirs || typeof theirs !== 'string') continue
    if (!semver.subset(ours, theirs)) narrower.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version} needs node ${theirs}`)
  }
  assert.deepEqual(narrower, [], `engines.node (${ours}) claims versions these dependencies do not support`)
})
