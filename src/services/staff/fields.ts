/**
 * @module services/staff/fields
 * Input fields shared by the staff services and routes: a display name (a person, a token, an
 * invitation, a passkey) and a list of roles, each with the messages clients see; and the roles a
 * stored row still grants.
 */
import { z } from 'zod'
import { ROLES, type Role } from '../../platform/context/index.ts'

/** Trimmed, 1…`max` characters, no control characters (names end up in the audit trail). */
export function displayName(max: number) {
  return z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters')
}

/** At least one of the roles. */
export const roleList = z
  .array(z.enum(ROLES, { error: () => `must be one of ${ROLES.join(', ')}` }))
  .min(1, 'at least one role is needed')

/** The stored roles that still exist: a role dropped from ROLES after it was granted grants nothing. */
export function knownRoles(stored: readonly string[]): Role[] {
  return stored.filter((role): role is Role => (ROLES as readonly string[]).includes(role))
}
