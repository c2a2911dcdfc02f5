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
  /** The `shc:/…` text the QR encodes. */
  qr: string
  /** The QR as SVG (error correction L, two segments), made on the server. */
  svg: string
  summary: CredentialSummary
  leafIndex: string
  /** c2sp.org/tlog-proof@v1 receipt against the latest checkpoint (verifiable offline). */
  receipt: string | null
}
