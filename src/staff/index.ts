/** @module staff — people, sessions, roles and API tokens (services; ctx-based, no HTTP). */
export * from './tokens.ts'
