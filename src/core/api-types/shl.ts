/**
 * JSON of the SMART Health Links API (src/services/shl): what the passport page and records
 * systems read about the links a holder made. Nothing here opens a link: the key exists only
 * in `ShlCreated.shlink`, returned once.
 */
import type { CredentialSummary } from '../fhir/index.ts'

export type ShlLinkState = 'active' | 'deactivated' | 'expired' | 'locked'

export interface ShlAccessView {
  /** ISO 8601. */
  at: string
  /** What the receiving application said it was. */
  recipient: string
  /** 'manifest' (files served), 'file' (a U link's file), 'passcode-wrong' (an attempt counted). */
  outcome: string
}

export interface ShlLinkView {
  id: string
  /** The SHL flag string ('', 'L', 'P', 'LP', 'U', 'LU'). */
  flag: string
  label: string | null
  state: ShlLinkState
  createdAt: string
  expiresAt: string | null
  /** When the files last changed. */
  updatedAt: string
  passcode: boolean
  /** Wrong passcodes left (flag P); 0 is locked. */
  attemptsLeft: number | null
  longTerm: boolean
  singleFile: boolean
  kinds: string[]
  cards: boolean
  bundle: boolean
  /** The credentials the files are made from now. */
  credentials: string[]
  files: number
  /** Newest first, at most 50; `accessCount` counts them all. */
  access: ShlAccessView[]
  accessCount: number
}

export interface ShlCreated {
  link: ShlLinkView
  /** `shlink:/…`: holds the key; shown once, never stored by the server. */
  shlink: string
  /** This deployment's verifier page with the link in its fragment (`…/verify#shlink:/…`). */
  viewerUrl: string
  /** The viewer URL as a QR (SVG, error correction M as the IG recommends). */
  qrSvg: string
}

/** One of the holder's credentials, as the passport page offers it for sharing. */
export interface HolderRecord {
  id: string
  kind: string
  state: 'valid' | 'revoked' | 'superseded'
  issuedAt: string
  /** Null once the personal data is erased. */
  summary: CredentialSummary | null
}
