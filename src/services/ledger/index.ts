export { parseVigilCheckpoint, type VigilCheckpoint } from './checkpoint.ts'
export {
  publishedCheckpoint,
  servedCheckpoint,
  WitnessCollector,
  type WitnessStatus,
  withCosignatures,
  witnessStatus,
} from './cosignatures.ts'
export * from './final-cosign.ts'
export { LOG_LOCK } from './integrate.ts'
export { Ledger, type LedgerOptions, queueEntries, refusingLedger } from './ledger.ts'
export { forgetLog, peekFullTile, peekServedCheckpoint } from './memory.ts'
export * from './proofs.ts'
export * from './read.ts'
export { type Appended, Sequencer } from './sequencer.ts'
export * from './shards.ts'
export { readBundle, readTile } from './storage.ts'
