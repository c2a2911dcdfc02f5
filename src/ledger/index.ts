export { type AuditReport, audit, formatFinding } from './audit.ts'
export { databaseSource } from './audit-db.ts'
export { remoteSource } from './audit-remote.ts'
export { parseVigilCheckpoint, type VigilCheckpoint } from './checkpoint.ts'
export { LOG_LOCK } from './integrate.ts'
export { Ledger } from './ledger.ts'
export * from './proofs.ts'
export * from './read.ts'
export { type Appended, Sequencer } from './sequencer.ts'
export { readBundle, readTile } from './storage.ts'
export {
  publishedCheckpoint,
  servedCheckpoint,
  WitnessCollector,
  type WitnessStatus,
  withCosignatures,
  witnessStatus,
} from './witnesses.ts'
