'use strict'
// The napi-generated loader (index.js at the package root) picks the prebuilt
// binary for this platform: ./connector-okta.<platform>.node in a source build,
// else the platform package @rawdash/connector-okta-<platform> that npm
// installed from optionalDependencies. When neither loads, its error is
// rethrown here with what a user needs: the platform detected, the platforms
// we publish, and how to build from source. The loader's own error (with the
// per-candidate failures in its `cause` chain) stays attached as `cause`.
const { publishedPlatforms, detectedPlatform } = require('./platform.cjs')

function loadError(cause) {
  const detected = detectedPlatform()
  const listed = publishedPlatforms.includes(detected)
  const err = new Error(
    [
      `@rawdash/connector-okta: no native binary loaded for this platform (${detected}).`,
      `Prebuilt binaries are published for: ${publishedPlatforms.join(', ')}.`,
      listed
        ? `${detected} is one of them: its package @rawdash/connector-okta-${detected} was not installed or did not load. ` +
          'Reinstall without --omit=optional / --no-optional (npm: remove node_modules and package-lock.json, then npm install; https://github.com/npm/cli/issues/4828).'
        : `${detected} has no prebuilt binary.`,
      'To build from source: install Rust (stable 1.80+, https://rustup.rs), a C compiler and Node.js 20.19+, then in a clone of the package\'s repository run `npm install` ' +
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
