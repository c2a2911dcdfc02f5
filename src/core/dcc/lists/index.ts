/**
 * @module core/dcc/lists
 * Loaders for the DSC trust lists authorities publish (dcc.md §4; landscape-2026 §2.2): each
 * takes the list's exact bytes and returns `{format, source, asOf, signers, problems}`.
 */
export * from './did.ts'
export * from './did-proof.ts'
export * from './eu-dto.ts'
export * from './jcs.ts'
export * from './jwks.ts'
export * from './load.ts'
export * from './revocations.ts'
export * from './types.ts'
export * from './verifier-service.ts'
