/**
 * @module core/shc
 * SMART Health Cards 1.4 (HL7 SMART Health Cards and Links STU1): issuing minimised, DEFLATEd,
 * ES256-signed cards as `shc:/` QR text and `.smart-health-card` files, and verifying cards
 * strictly against trust material passed in as data, with revocation by rid and CRL.
 */
export * from './bundle-check.ts'
export * from './bundle-lint.ts'
export * from './claims.ts'
export * from './deflate.ts'
export * from './errors.ts'
export * from './file.ts'
export * from './issue.ts'
export * from './issuer-url.ts'
export * from './json.ts'
export * from './jws.ts'
export * from './keyset.ts'
export * from './limits.ts'
export * from './minimise.ts'
export * from './payload.ts'
export * from './qr-encode.ts'
export * from './qr-numeric.ts'
export * from './qr-read.ts'
export * from './revocation.ts'
export * from './trust.ts'
export * from './verify.ts'
export * from './verify-signature.ts'
