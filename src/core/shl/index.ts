/**
 * @module core/shl
 * SMART Health Links (HL7 SMART Health Cards and Links IG 1.0.0 STU1): the `shlink:/` payload and
 * its rules, the files' compact JWE (dir + A256GCM, optional zip DEF), the manifest exchange, a
 * receiving client over a fetch passed in, and the IPS-shaped FHIR bundle a link can carry.
 */
export * from './bundle.ts'
export * from './client.ts'
export * from './errors.ts'
export * from './jwe.ts'
export * from './manifest.ts'
export * from './payload.ts'
export * from './receive.ts'
