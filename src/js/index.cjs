'use strict'
// The package entry. Importing it loads no native addon: the metadata (id, doc,
// configFields, resources, schemas) comes from the committed src/js/metadata.cjs, and
// the native exports are stand-ins that load the addon when used (native.cjs).
// Constructing or syncing a connector loads it.
const { lazy } = require('./native.cjs')
const { OktaConnector, id, doc, configFields, resources, schemas } = require('./connector.cjs')
const { OktaConnectorError, validateConfig } = require('./errors.cjs')

module.exports = {
  ...lazy,
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
