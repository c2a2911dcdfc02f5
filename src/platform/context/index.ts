export * from './context.ts'
export * from './ledger-port.ts'
