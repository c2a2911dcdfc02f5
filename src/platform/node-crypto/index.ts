export * from './dcc.ts'
export * from './gaen.ts'
export * from './key-crypto.ts'
export * from './passcode.ts'
