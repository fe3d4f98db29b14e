// index.d.ts (its hand-written part, src/js/types.d.ts) against what the code really
// does: every error code Rust can raise, a record type per stored resource listing
// every field the resource table declares, and every storage method the writer calls.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const metadata = require('../src/js/metadata.cjs')
const types = readFileSync(new URL('../src/js/types.d.ts', import.meta.url), 'utf8')
const generated = readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8')

test('the ErrorCode type lists exactly the codes the connector raises', () => {
  const block = types.slice(types.indexOf('export type ErrorCode ='))
  const union = block.slice(0, block.indexOf('\n\n'))
  const declared = [...union.matchAll(/'(OKTA_[A-Z_]+)'/g)].map((m) => m[1]).sort()
  const raised = [...metadata.errors.map((e) => e.code), 'OKTA_NATIVE_BINDING_MISSING'].sort()
  assert.deepEqual(declared, raised)
})

test('every stored resource has a record type naming every field of its row', () => {
  for (const [name, r] of Object.entries(metadata.resources)) {
    const key = r.shape === 'event' ? 'name' : 'type'
    // A metric sample's interface names it among its `name` values.
    const at = r.shape === 'metric' ? types.search(new RegExp(`\\n\\s+name: [^\\n]*'${name}'`)) : types.indexOf(`${key}: '${name}'`)
    assert.ok(at > 0, `a record interface for ${name}`)
    const body = types.slice(at, types.indexOf('\n}\n', at))
    // The bookkeeping record is opaque on purpose: its layout is versioned inside.
    if (body.includes('attributes: Record<string, unknown>')) continue
    // Attributes only some configs store (the factor phase's on okta_user) are optional.
    for (const f of r.fields ?? r.dimensions ?? []) assert.match(body, new RegExp(`\\n\\s+${f.name}\\??: `), `${name}.${f.name} in its record type`)
  }
})

test('StorageHandle declares every storage method the writer calls', () => {
  const source = readFileSync(new URL('../src/js/connector.cjs', import.meta.url), 'utf8')
  const called = new Set([...source.matchAll(/\bstorage\.([a-zA-Z]+)\b/g)].map((m) => m[1]))
  const block = types.slice(types.indexOf('export interface StorageHandle {'))
  const handle = block.slice(0, block.indexOf('\n}\n'))
  for (const m of called) assert.match(handle, new RegExp(`\\n\\s+${m}\\??\\(`), `StorageHandle.${m}`)
})

test('the generated index.d.ts carries the hand-written types unchanged', () => {
  assert.ok(generated.includes(types.trim().split('\n').slice(-20).join('\n')), 'run npm run build')
})
