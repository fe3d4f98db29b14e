'use strict'
const native = require('./native.cjs')
const { OktaConnector, id, doc, configFields, resources, schemas } = require('./connector.cjs')
const { OktaConnectorError } = require('./errors.cjs')
const { fromNative } = require('./errors.cjs')

/** Validates user config; throws an OktaConnectorError (code OKTA_INVALID_CONFIG) listing every bad field. */
function validateConfig(input) {
  const { config, issues } = native.checkConfig(input)
  if (issues.length) {
    try {
      native.validateConfig(input)
    } catch (err) {
      const wrapped = fromNative(err)
      wrapped.issues = issues
      throw wrapped
    }
  }
  return config
}

module.exports = {
  ...native,
  default: OktaConnector,
  OktaConnector,
  OktaConnectorError,
  id,
  doc,
  configFields,
  resources,
  schemas,
  validateConfig,
}
