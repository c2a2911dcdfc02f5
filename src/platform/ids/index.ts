export * from './uuid.ts'
