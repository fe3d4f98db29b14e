'use strict'
// The native addon, loaded on first use. Requiring this module loads nothing: the
// package's metadata (id, doc, configFields, resources, schemas) comes from the
// committed src/js/metadata.cjs, so it imports where no native addon can load (edge
// runtimes, rawdash's metadata catalog). Reading one of the addon's exports here
// (`native.OktaClient`, ...) or calling `load()` loads it: constructing or syncing a
// connector does.
//
// The napi-generated loader (index.js at the package root) picks the prebuilt
// binary for this platform: ./connector-okta.<platform>.node in a source build,
// else the platform package @rawdash/connector-okta-<platform> that npm
// installed from optionalDependencies. When neither loads, its error is
// rethrown here with what a user needs: the platform detected, the platforms
// we publish, and how to build from source. The loader's own error (with the
// per-candidate failures in its `cause` chain) stays attached as `cause`.

/** What the addon exports (index.js); surface.test.mjs checks the list. */
const NATIVE_EXPORTS = ['OktaClient', 'PageStream', 'Redactor', 'checkConfig', 'definition']

function loadError(cause) {
  const { publishedPlatforms, detectedPlatform } = require('./platform.cjs')
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

let binding = null
let failure = null

/**
 * The addon, loaded on the first call. Throws an Error with code
 * OKTA_NATIVE_BINDING_MISSING (the same one on every call) when it cannot load.
 */
function load() {
  if (binding) return binding
  if (failure) throw failure
  try {
    binding = require('../../index.js')
  } catch (err) {
    failure = loadError(err)
    throw failure
  }
  return binding
}

/** Whether the addon is loaded (tests). */
function loaded() {
  return binding !== null
}

/**
 * A stand-in for the native class `name` that loads the addon only when used: `new`,
 * a call, or reading a property (statics, `prototype`, so `instanceof` too) forwards
 * to the real class. The package entry exports these, so importing it loads nothing.
 */
function lazyClass(name) {
  const real = () => load()[name]
  const target = { [name]: function () {} }[name]
  const proxy = new Proxy(target, {
    construct: (_target, args, newTarget) => Reflect.construct(real(), args, newTarget === proxy ? real() : newTarget),
    apply: (_target, self, args) => Reflect.apply(real(), self, args),
    get: (_target, key) => (key === 'name' ? name : Reflect.get(real(), key)),
    has: (_target, key) => Reflect.has(real(), key),
  })
  return proxy
}

/** A stand-in for the native function `name` that loads the addon when called. */
function lazyFunction(name) {
  return {
    [name](...args) {
      return load()[name](...args)
    },
  }[name]
}

/** Stand-ins for every native export, loading the addon on use (see lazyClass). */
const lazy = Object.freeze({
  OktaClient: lazyClass('OktaClient'),
  PageStream: lazyClass('PageStream'),
  Redactor: lazyClass('Redactor'),
  checkConfig: lazyFunction('checkConfig'),
  definition: lazyFunction('definition'),
})

module.exports = { load, loaded, lazy, NATIVE_EXPORTS }
// `native.OktaClient` and the like: the real export, loading the addon when read.
for (const name of NATIVE_EXPORTS) {
  Object.defineProperty(module.exports, name, { enumerable: true, get: () => load()[name] })
}
