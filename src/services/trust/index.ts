/**
 * @module trust — what verifiers trust: the signed trust material of this deployment, the SHC
 * issuers an admin adds to it, and the capability links of the citizens' passport pages.
 */
export {
  listTrustedIssuers,
  putTrustedIssuer,
  removeTrustedIssuer,
  type TrustedIssuerInput,
  type TrustedIssuerView,
} from './issuers.ts'
export {
  assembleTrustMaterial,
  logPolicy,
  logVkey,
  selfIssuerName,
  signedTrustMaterial,
} from './material.ts'
export {
  PASSPORT_KEY_HEADER,
  type PassportView,
  passportKey,
  passportLink,
  passportUrl,
  readPassport,
} from './passport.ts'
