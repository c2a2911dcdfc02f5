export * from './batch-queue.ts'
export {
  createDb,
  type Database,
  type Db,
  type DbTarget,
  rowsOf,
  type Schema,
  toBigInt,
} from './client.ts'
export * from './embedded/index.ts'
export * from './faults.ts'
export * from './migrate.ts'
export * from './postgres.ts'
export * from './prepared.ts'
export * from './read-batch.ts'
export * as schema from './schema/index.ts'
export * from './schema/index.ts'
