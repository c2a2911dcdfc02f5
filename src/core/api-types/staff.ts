/** JSON of the staff API that the staff pages read, src/services/staff (docs/STAFF.md). */

/** A staff role, as the API spells it (the server's list is `ROLES` in platform/context). */
export type Role = 'admin' | 'issuer' | 'tracer' | 'epidemiologist' | 'auditor'

/** One of a person's passkeys (WebAuthn credentials), as `/api/staff/me` and `/api/staff/me/passkeys` answer it. */
export interface PasskeyView {
  id: string
  name: string
  deviceType: string
  backedUp: boolean
  createdAt: string
  lastUsedAt: string | null
}

/** `GET /api/staff/me`: the signed-in person, this session and their passkeys. */
export interface Me {
  id: string
  name: string
  roles: Role[]
  session: { createdAt: string; expiresAt: string; idleExpiresAt: string }
  passkeys: PasskeyView[]
}

/** One person as `/api/staff/people` lists them (for administrators). */
export interface PersonView {
  id: string
  name: string
  roles: Role[]
  createdAt: string
  disabledAt: string | null
  passkeys: number
  lastSignInAt: string | null
}

export type InvitationStatus = 'pending' | 'used' | 'expired' | 'revoked'

/** One invitation as `/api/staff/invitations` lists it (never its link). */
export interface InvitationView {
  id: string
  name: string
  roles: Role[]
  status: InvitationStatus
  createdBy: string
  createdAt: string
  expiresAt: string
  usedAt: string | null
  usedBy: string | null
}

/** `POST /api/staff/invitations`: the only answer that carries the enrolment link. */
export interface CreatedInvitation {
  id: string
  name: string
  roles: Role[]
  /** The enrolment link: shown once, never stored. */
  link: string
  expiresAt: string
}

export type TokenStatus = 'active' | 'revoked' | 'expired'

/** One API token as `/api/tokens` lists it (never its secret). */
export interface TokenView {
  id: string
  name: string
  roles: Role[]
  status: TokenStatus
  createdAt: string
  expiresAt: string
  revokedAt: string | null
  lastUsedAt: string | null
}

/** `POST /api/tokens`: the only answer that carries the token's secret. */
export interface CreatedToken {
  id: string
  name: string
  roles: Role[]
  /** `vgl_<id>_<secret>`: shown once, never stored, never logged. */
  token: string
  expiresAt: string
}

/** One row of the audit trail, as `/api/audit` pages it. */
export interface AuditEventView {
  id: number
  at: string
  actor: { kind: string; id: string; name: string }
  role: string | null
  action: string
  targetId: string | null
  requestId: string | null
  detail: Record<string, unknown> | null
}

/** `GET /api/audit`: newest first; `next` is the `before` of the next (older) page. */
export interface AuditPage {
  events: AuditEventView[]
  next: number | null
}

// ---- Administrator workspace: re-enrolment and a person's sessions --------------------------

/** One live sign-in session of a person, as `/api/staff/people/{id}/sessions` lists it. */
export interface PersonSessionView {
  /** A handle for ending this one session (not its secret, nor the stored hash of it). */
  id: string
  createdAt: string
  lastSeenAt: string
  expiresAt: string
  /** The passkey that opened it (null for a session from before passkeys were recorded). */
  passkeyId: string | null
}
