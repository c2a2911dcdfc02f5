/**
 * @module core/verify
 * The venue verifier's core: scanned text + trust material + now → Verdict (each check, and as
 * of when). Pure: trust material and the ledger are data and callbacks passed in; the same code
 * runs in the verifier page, in Node (bench, tests) and in the service.
 */
export * from './dcc-rules.ts'
export * from './dcc-trust-document.ts'
export * from './decide.ts'
export * from './errors.ts'
export * from './http-source.ts'
export * from './input.ts'
export * from './kinds.ts'
export * from './ledger.ts'
export * from './rule-proof.ts'
export * from './trust-material.ts'
export * from './types.ts'
export * from './verify.ts'
export * from './verify-dcc.ts'
