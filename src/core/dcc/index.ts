/**
 * @module core/dcc
 * The EU Digital COVID Certificate (HC1) pipeline, step by step (hcert spec v1.0.8): prefix →
 * strict Base45 → zlib → COSE_Sign1 → CWT → signature against trusted DSCs → time and key usage
 * → schema → revocation hashes. Pure: the trust list, the revocation list and the clock are
 * parameters; core/verify turns the steps into a Verdict.
 */
export * from './base45.ts'
export * from './certificate.ts'
export * from './certificate-signature.ts'
export * from './cms.ts'
export * from './cose.ts'
export * from './cwt.ts'
export * from './decode.ts'
export * from './errors.ts'
export * from './lists/index.ts'
export * from './revocation.ts'
export * from './schema.ts'
export * from './signature.ts'
export * from './summary.ts'
export * from './trust.ts'
export * from './validity.ts'
export * from './who.ts'
export * from './x509.ts'
export * from './zlib.ts'
