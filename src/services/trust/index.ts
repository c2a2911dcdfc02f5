/**
 * @module trust — what verifiers trust: the signed trust material of this deployment, the SHC
 * issuers an admin adds to it, the entry rule sets an authority publishes (each release a ledger
 * entry), the EU DCC business rules imported per country (each import a ledger entry), the issuer directory's names, the capability links of the citizens' passport pages,
 * and the releases of the web pages (each a ledger entry, listed in the release feed).
 */

export {
  assembleDccTrust,
  type DccListImport,
  type DccSnapshotView,
  DEFAULT_DCC_LIST_MAX_AGE,
  dccListKeyId,
  importDccList,
  importDccRevocations,
  listDccSnapshots,
  signedDccTrust,
} from './dcc-lists.ts'
export {
  type DccRulesView,
  importDccRules,
  latestDccRules,
  listDccRules,
} from './dcc-rules.ts'
export {
  type DccValueSetsView,
  importDccValueSets,
  latestDccValueSets,
} from './dcc-value-sets.ts'
export { importIssuerDirectory, listIssuerDirectory, parseVciDirectory } from './directory.ts'
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
export {
  latestRuleRelease,
  listRuleReleases,
  publishRuleSets,
  type RuleReleaseView,
  ruleReleaseKeyId,
} from './rules.ts'
export {
  findWebRelease,
  listWebReleases,
  publishWebRelease,
  type WebReleaseView,
  webReleaseText,
} from './web-release.ts'
