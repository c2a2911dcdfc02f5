/** Exposure reports: verification codes, the device flow, publish and signed exports (issue 8). */
export * from './codes.ts'
export * from './errors.ts'
export * from './export.ts'
export * from './export-pad.ts'
export * from './publish.ts'
export * from './settings.ts'
export * from './signing-keys.ts'
export * from './verify.ts'
