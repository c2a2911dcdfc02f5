/**
 * @module services/staff/tokens
 * API tokens for records systems (docs/STAFF.md): hashed secrets with roles, created by
 * `vigil tokens create` or `POST /api/tokens`. One verb per file; this module gathers them.
 */
export {
  type CreatedToken,
  type CreateTokenInput,
  createApiToken,
  DEFAULT_TOKEN_DAYS,
  expiryAfterDays,
  MAX_TOKEN_DAYS,
} from './create-token.ts'
export { listApiTokens, type TokenStatus, type TokenView } from './list-tokens.ts'
export { type RevokedToken, revokeApiToken } from './revoke-token.ts'
export { isTokenId } from './token-format.ts'
export { verifyApiToken } from './verify-token.ts'
