export * from './witness.ts'
