'use strict'
// napi platform names (the suffix of each platform package and binary,
// e.g. `linux-arm64-musl`): the ones we publish, and this machine's.
const { napi } = require('../../package.json')

const ARCH = { x86_64: 'x64', aarch64: 'arm64', i686: 'ia32', armv7: 'arm' }
const OS = { linux: 'linux', darwin: 'darwin', windows: 'win32' }

/** `aarch64-unknown-linux-musl` -> `linux-arm64-musl`, `aarch64-apple-darwin` -> `darwin-arm64`. */
function platformOf(triple) {
  const [arch, , os, abi] = triple.split('-')
  return [OS[os] ?? os, ARCH[arch] ?? arch, abi].filter(Boolean).join('-')
}

/** The platforms with a prebuilt binary: package.json `napi.targets`. */
const publishedPlatforms = napi.targets.map(platformOf)

/** This process's platform in the same naming (libc from the process report on Linux). */
function detectedPlatform() {
  const base = `${process.platform}-${process.arch}`
  if (process.platform === 'win32') return `${base}-msvc`
  if (process.platform !== 'linux') return base
  const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null
  return `${base}-${report?.header?.glibcVersionRuntime ? 'gnu' : 'musl'}`
}

module.exports = { platformOf, publishedPlatforms, detectedPlatform }
