export {
  createDb,
  type Database,
  type Db,
  type DbTarget,
  rowsOf,
  type Schema,
  toBigInt,
} from './client.ts'
export * as schema from './schema/index.ts'
