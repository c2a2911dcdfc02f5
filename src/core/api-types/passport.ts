/** JSON of `GET /api/passport/{id}` (the citizen's passport page), src/services/trust/passport. */
import type { CredentialSummary } from '../fhir/index.ts'

export interface PassportView {
  id: string
  kind: string
  status: string
  revokedAt: string | null
  replacedBy: string | null
  issuer: { iss: string; name: string }
  /** `nbf` and `exp` of the card, POSIX seconds. */
  issuedAt: number
  expiresAt: number | null
  jws: string
  /**
   * The `shc:/…` text the QR encodes; null when the JWS is longer than one QR holds (1,195
   * characters, SHC 1.4): such a card travels as a SMART Health Link instead of chunked codes.
   */
  qr: string | null
  /** The QR as SVG (error correction L, two segments), made on the server; null as `qr`. */
  svg: string | null
  summary: CredentialSummary
  leafIndex: string
  /** c2sp.org/tlog-proof@v1 receipt against the latest checkpoint (verifiable offline). */
  receipt: string | null
}
