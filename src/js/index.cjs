'use strict'
const native = require('./native.cjs')
const { OktaConnector, id, doc, configFields, resources, schemas } = require('./connector.cjs')
const { OktaConnectorError, validateConfig } = require('./errors.cjs')

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
