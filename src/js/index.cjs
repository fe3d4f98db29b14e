'use strict'
const native = require('./native.cjs')
const { OktaConnector, id, doc, configFields, resources, schemas } = require('./connector.cjs')
const { OktaConnectorError, fromNative } = require('./errors.cjs')

/** Validates user config; throws an OktaConnectorError (code OKTA_INVALID_CONFIG) listing every bad field. */
function validateConfig(input) {
  try {
    return native.validateConfig(input)
  } catch (err) {
    throw fromNative(err)
  }
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
