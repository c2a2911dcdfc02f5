/**
 * The issuer workspace calls the API through the staff pages' one client (same-origin JSON,
 * problem+json turned into an error keeping `code` and the `field` at fault, RFC 9457).
 */
export { ApiError as FieldError, api as call, describe as reason } from '../staff/api.ts'
