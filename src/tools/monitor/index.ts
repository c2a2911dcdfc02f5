export * from './monitor.ts'
