/** JSON of the staff API that the staff pages read, src/services/staff. */

/** One of a person's passkeys (WebAuthn credentials), as `/api/staff/me` and `/api/staff/me/passkeys` answer it. */
export interface PasskeyView {
  id: string
  name: string
  deviceType: string
  backedUp: boolean
  createdAt: string
  lastUsedAt: string | null
}
