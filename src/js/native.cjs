'use strict'
// The napi-generated loader (index.js at the package root) picks the right
// prebuilt binary for this platform.
module.exports = require('../../index.js')
