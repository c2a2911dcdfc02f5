export * from './base64.ts'
export * from './bytes.ts'
export * from './hex.ts'
export * from './json.ts'
