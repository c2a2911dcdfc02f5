/** @module credentials — issuing, revocation, correction and erasure of SMART Health Cards. */
export { issueBatch, issueBatchText, parseCsv, parseNdjson, type RowReport } from './batch.ts'
export { issuerCrl, issuerJwks, issuerSupersededRids } from './crl.ts'
export { CredentialInput } from './input.ts'
export { type IssuedCredential, issueCredential } from './issue.ts'
export {
  announceIssuerKey,
  announceMissingIssuerKeys,
  isLoopbackIssuer,
  issuerKeyEntry,
  issuerSigner,
  rotateIssuerKey,
} from './issuer.ts'
export { findCredentials, LIST_FILTERS, listCredentials, MAX_LIST } from './list.ts'
export * from './personal-data.ts'
export { getCredential, type Rendering, renderCredential } from './read.ts'
export { eraseCredentialPersonalData, reissueCredential } from './reissue.ts'
export * from './render.ts'
export { revokeCredential } from './revoke.ts'
export { normaliseName, type SearchSubject, searchKey } from './search-key.ts'
