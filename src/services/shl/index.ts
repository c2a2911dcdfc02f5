/**
 * @module shl — SMART Health Links (HL7 SMART Health Cards and Links IG 1.0.0 STU1): a holder
 * shares chosen records (signed cards, an IPS-shaped FHIR bundle) through an encrypted,
 * revocable, optionally passcode-protected link; the manifest server answers receivers; the
 * holder lists, re-labels and deactivates links and reads who opened them (docs/SHL.md).
 */
export { createShlLink } from './create.ts'
export { authorizeOwner, listHolderRecords, type Owner } from './holder.ts'
export {
  MAX_SHL_DAYS,
  SHL_KINDS,
  SHL_PASSCODE_ATTEMPTS,
  ShlLinkChange,
  ShlLinkInput,
  ShlManifestBody,
} from './input.ts'
export { MANIFEST_ID, SHL_PATH, viewerBase } from './links.ts'
export { changeShlLink, listShlLinks } from './manage.ts'
export {
  DEFAULT_EMBEDDED_MAX,
  POLL_SECONDS,
  type ServedManifest,
  serveShlDirect,
  serveShlManifest,
  serveShlTicket,
  TICKET_SECONDS,
} from './serve.ts'
