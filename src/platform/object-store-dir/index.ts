export { dirStore } from './dir.ts'
