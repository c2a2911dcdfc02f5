/**
 * @module core/log-client
 * One read-side client over a Vigil log's tiles and routes for every reader (the log page, the
 * verifier, the audit and the monitor), with one error for what HTTP can go wrong. Pure: the
 * fetch is passed in; nothing it returns is trusted until core/merkle or core/note checks it.
 */
export * from './client.ts'
export * from './errors.ts'
export type { LogFetch } from './request.ts'
