/** The issuer workspace: a credential as `GET /api/credentials` and its search answer it. */

/** What a venue's verifier would say of the card (superseded: revoked by a correction). */
export type CredentialState = 'valid' | 'revoked' | 'superseded'

/** The list's `state` filter: one state, or the rows whose personal data was erased. */
export type CredentialListFilter = CredentialState | 'erased'

export interface CredentialSubject {
  givenNames: string[]
  familyName: string
  birthDate: string
}

export interface CredentialListItem {
  id: string
  kind: 'immunization' | 'test'
  state: CredentialState
  /** The sealed personal data has been erased: no subject, no renderings, no correction. */
  erased: boolean
  issuedAt: string
  revokedAt: string | null
  revocationReason: string | null
  replaces: string | null
  replacedBy: string | null
  /** Null once erased. */
  subject: CredentialSubject | null
  /** The issuing request as received (pre-fills a correction); null once erased. */
  input: unknown
  /**
   * Whether the card fits one QR (SHC 1.4: at most 1,195 JWS characters; a longer one is shared
   * as a SMART Health Link); null once erased.
   */
  fitsQr: boolean | null
}

export interface CredentialList {
  items: CredentialListItem[]
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: string | null
}
