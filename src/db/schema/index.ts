/** The drizzle schema: the one source of the SQL in migrations/ (drizzle-kit generate). */
export * from './credentials.ts'
export * from './exposure.ts'
export * from './keys.ts'
export * from './ledger.ts'
export * from './people.ts'
export * from './staff.ts'
export * from './surveillance.ts'
export * from './trust.ts'
