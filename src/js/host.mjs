import host from './host.cjs'
export const { MemoryStorage, runSync, instantiateConnector, defineConfig, ServerRunner } = host
