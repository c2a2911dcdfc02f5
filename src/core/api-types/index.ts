/**
 * @module core/api-types
 * The JSON the service's API answers and the pages read, declared once so the service (or its
 * route) and the page cannot drift apart. Pure: types only, no code.
 */
// issuer workspace
export type * from './credentials.ts'
export type * from './exposure.ts'
export type * from './log.ts'
export type * from './passport.ts'
export type * from './shl.ts'
export type * from './staff.ts'
