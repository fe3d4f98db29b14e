'use strict'
// The napi-generated loader (index.js at the package root) picks the prebuilt
// binary for this platform: ./connector-okta.<platform>.node in a source build,
// else the platform package @rawdash/connector-okta-<platform> that npm
// installed from optionalDependencies. When neither loads, its error is
// rethrown here with what a user needs: the platform detected, the platforms
// we publish, and how to build from source. The loader's own error (with the
// per-candidate failures in its `cause` chain) stays attached as `cause`.
const { napi } = require('../../package.json')

const ARCH = { x86_64: 'x64', aarch64: 'arm64', i686: 'ia32', armv7: 'arm' }
const OS = { linux: 'linux', darwin: 'darwin', windows: 'win32' }

/** `aarch64-unknown-linux-musl` -> `linux-arm64-musl`, napi's platform package suffix. */
function platformOf(triple) {
  const [arch, , os, abi] = triple.split('-')
  return [OS[os] ?? os, ARCH[arch] ?? arch, abi].filter(Boolean).join('-')
}

function detectedPlatform() {
  const base = `${process.platform}-${process.arch}`
  if (process.platform === 'win32') return `${base}-msvc`
  if (process.platform !== 'linux') return base
  const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null
  return `${base}-${report?.header?.glibcVersionRuntime ? 'gnu' : 'musl'}`
}

function loadError(cause) {
  const published = napi.targets.map(platformOf)
  const detected = detectedPlatform()
  const listed = published.includes(detected)
  const err = new Error(
    [
      `@rawdash/connector-okta: no native binary loaded for this platform (${detected}).`,
      `Prebuilt binaries are published for: ${published.join(', ')}.`,
      listed
        ? `${detected} is one of them: its package @rawdash/connector-okta-${detected} was not installed or did not load. ` +
          'Reinstall without --omit=optional / --no-optional (npm: remove node_modules and package-lock.json, then npm install; https://github.com/npm/cli/issues/4828).'
        : `${detected} has no prebuilt binary.`,
      'To build from source: install Rust (stable 1.80+, https://rustup.rs) and Node.js 18+, then in a clone of the package\'s repository run `npm install` ' +
        '(it builds the addon for this platform: `napi build --platform --release --features napi`), then `npm install <path to that clone>` in your project; ' +
        'or point NAPI_RS_NATIVE_LIBRARY_PATH at a built connector-okta.*.node.',
    ].join('\n'),
  )
  err.code = 'OKTA_NATIVE_BINDING_MISSING'
  err.cause = cause
  return err
}

try {
  module.exports = require('../../index.js')
} catch (err) {
  throw loadError(err)
}
