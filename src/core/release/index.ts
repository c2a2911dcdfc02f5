/**
 * @module core/release
 * Web release manifests and their proofs of inclusion in the log (issue: the verifier page proves
 * which code it runs; docs/RELEASES.md).
 */
export * from './manifest.ts'
export * from './proof.ts'
