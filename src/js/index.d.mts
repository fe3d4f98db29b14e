// ESM types: index.d.ts describes the CommonJS entry; under "module": "nodenext"
// TypeScript reads this file for `import`, so the default export is the class.
export * from '../../index.js'
export { OktaConnector as default } from '../../index.js'
