/**
 * JSON of the exposure API (src/http/routes/exposure.ts) that the tracer's and the citizen's pages
 * read. The device side follows the GAEN verification protocol and the v1 publish API of
 * google/exposure-notifications-server (and -verification-server), whose field names it keeps.
 */

export type CodeStatus = 'unused' | 'used' | 'expired' | 'revoked'

/** `POST /api/exposure/codes` (201): shown once; the server keeps only the codes' HMACs. */
export interface IssuedCode {
  id: string
  /** The short code: 8 digits. */
  code: string
  /** The long code: 16 characters. */
  longCode: string
  expiresAt: string
  longExpiresAt: string
}

/** `GET /api/exposure/codes/{id}` and `POST /api/exposure/codes/{id}/revoke`. */
export interface CodeStatusView {
  id: string
  status: CodeStatus
  testType: string
  expiresAt: string
  longExpiresAt: string
}

/** `POST /api/exposure/verify`: the code redeemed (once) for a one-time token. */
export interface VerifiedCode {
  token: string
  testtype: string
  /** YYYY-MM-DD, when the code named one. */
  symptomDate?: string | undefined
  /** Random noise, so response sizes say nothing. */
  padding: string
}

/** `POST /api/exposure/certificate`: an ES256 verification certificate, valid 15 minutes. */
export interface VerificationCertificate {
  certificate: string
  padding: string
}

/** One temporary exposure key as a phone uploads it. */
export interface PublishKey {
  /** Standard base64 of the 16-byte key. */
  key: string
  rollingStartNumber: number
  rollingPeriod: number
  transmissionRisk?: number | undefined
}

/** `POST /api/exposure/publish`: the body. */
export interface PublishRequest {
  temporaryExposureKeys: PublishKey[]
  healthAuthorityID: string
  verificationPayload: string
  hmacKey: string
  symptomOnsetInterval?: number | undefined
  traveler?: boolean | undefined
  revisionToken?: string | undefined
  padding?: string | undefined
}

/** `POST /api/exposure/publish`: the answer (alike for chaff). */
export interface PublishResponse {
  revisionToken: string
  insertedExposures: number
  /** `partial_failure` when some keys were refused; `warnings` says which and why. */
  code?: string
  warnings?: string[]
  padding: string
}

// The tracer workspace: the deployment's codes, the places a code may name, the hand-over link.

/** One row of `GET /api/exposure/codes`: never the code, never the keys. */
export interface CodeListItem extends CodeStatusView {
  /** ISO 3166-2 place the tracer named, or null. */
  region: string | null
  issuedAt: string
  /** Issued by the caller. */
  mine: boolean
}

/** `GET /api/exposure/codes`: newest first; `next` is the `before` of the following page. */
export interface CodePage {
  codes: CodeListItem[]
  next: string | null
}

/** `GET /api/exposure/regions`: a place a code may name. */
export interface CodePlace {
  code: string
  name: string
  level: 'country' | 'region' | 'district'
  parent: string | null
}

/** `POST /api/exposure/codes/handover`: the citizen page's link with the code, and its QR (SVG). */
export interface CodeHandover {
  link: string
  svg: string
}
