export * from './did-proof-payload.ts'
