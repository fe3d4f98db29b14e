// ESM types: index.d.ts describes the CommonJS entry; under "module": "nodenext"
// TypeScript reads this file for `import`, so the default export is the class.
// The values listed here are exactly what src/js/index.mjs exports; everything
// else in index.d.ts is re-exported as types only.
export {
  OktaConnector as default,
  OktaConnector,
  OktaConnectorError,
  OktaClient,
  PageStream,
  id,
  doc,
  configFields,
  resources,
  schemas,
  validateConfig,
  checkConfig,
  definition,
} from '../../index.js'
export type * from '../../index.js'
