export * from './audit.ts'
export * from './database-source.ts'
export * from './remote-source.ts'
export * from './types.ts'
