/**
 * Exposure reports (docs/EXPOSURE.md): verification codes, the device flow, publish and signed
 * exports.
 */
export * from './codes.ts'
export * from './codes-list.ts'
export * from './export.ts'
export * from './export-pad.ts'
export * from './publish.ts'
export * from './retention.ts'
export * from './settings.ts'
export * from './signing-keys.ts'
export * from './simulate.ts'
export * from './verify.ts'
