// ESM entry: rawdash configs are ESM. Re-exports the CommonJS implementation (which
// loads no native addon on import: see index.cjs).
import cjs from './index.cjs'

export default cjs.OktaConnector
export const {
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
} = cjs
