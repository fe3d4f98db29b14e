// The panic guard, tested on a test-only build: the shipped addon has no test hooks,
// so this builds the addon with the `test-hooks` cargo feature (a debug build into
// target/debug, about 15 s when the dependencies are already compiled) and loads it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as pkg from '../src/js/index.mjs'

const require = createRequire(import.meta.url)
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const LIB = { linux: 'librawdash_connector_okta.so', darwin: 'librawdash_connector_okta.dylib', win32: 'rawdash_connector_okta.dll' }[process.platform]

test('the shipped addon exports no test hooks', () => {
  const cjs = require('../src/js/index.cjs')
  assert.equal(cjs.__testPanic, undefined)
  assert.equal(pkg.__testPanic, undefined)
  assert.equal('__napiBindingTarget' in pkg, false, 'the ESM entry exports only what its types declare')
})

test('a Rust panic surfaces as a JS error (OKTA_INTERNAL) and the process lives on', async () => {
  execFileSync('cargo', ['build', '--quiet', '--lib', '--features', 'test-hooks'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
  const dir = mkdtempSync(join(tmpdir(), 'okta-hooks-'))
  try {
    const file = join(dir, 'hooks.node')
    copyFileSync(join(ROOT, 'target', 'debug', LIB), file)
    const hooks = require(file)
    assert.throws(() => hooks.__testPanic('sync'), (err) => err.code === 'OKTA_INTERNAL' && /panic/.test(err.message))
    const stream = hooks.__testPanic('async')
    await assert.rejects(async () => {
      for await (const _ of stream) {
        // never reached
      }
    }, /panic/)
    // The process and the addon still work.
    assert.equal(hooks.checkConfig({ host: 'acme.okta.com', apiToken: { $secret: 'X' } }).config.host, 'acme.okta.com')
    assert.equal(pkg.validateConfig({ host: 'acme.okta.com', apiToken: { $secret: 'X' } }).host, 'acme.okta.com')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
