export { logSigner, parseVigilCheckpoint, type VigilCheckpoint } from './checkpoint.ts'
export {
  publishedCheckpoint,
  servedCheckpoint,
  WitnessCollector,
  type WitnessStatus,
  withCosignatures,
  witnessStatus,
} from './cosignatures.ts'
export * from './final-cosign.ts'
export { type IntegrateDeps, initLog, integrate, LOG_LOCK } from './integrate.ts'
export { Ledger, type LedgerOptions, queueEntries, refusingLedger } from './ledger.ts'
export { etagOf, forgetLog, peekFullTile, peekServedCheckpoint } from './memory.ts'
export * from './proofs.ts'
export * from './read.ts'
export { type Appended, Sequencer } from './sequencer.ts'
export * from './shards.ts'
export { insertPending, readBundle, readTile, readTiles, rememberPublished } from './storage.ts'
