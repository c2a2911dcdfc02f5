/**
 * @module platform/context/ledger-port
 * The log as every service sees it on the context: append and wait for a receipt, or queue
 * entries inside the caller's own transaction (so a record and its log entry commit together),
 * and flush what is queued. `services/ledger` implements it for a process that writes the log,
 * `entry/worker-ledger` for one Worker request; `refusingLedger` refuses appends with
 * LEDGER_UNAVAILABLE.
 */
import type { EntryKind, LogEntry } from '../../core/leaf/index.ts'
import type { Db } from '../db/index.ts'

/** An appended entry, once integrated: where it is and the receipt that proves it. */
export interface Appended {
  index: bigint
  kind: EntryKind
  leafHash: Uint8Array
  /** The signed checkpoint the receipt proves against. */
  checkpoint: string
  /** c2sp.org/tlog-proof@v1: index, inclusion proof and the checkpoint, verifiable offline. */
  receipt: string
}

export interface LedgerPort {
  /** The log's origin line (c2sp.org/tlog-checkpoint): the recorded identity's, never the env's. */
  readonly origin: string
  /** Durable first (pending), resolved once integrated into a signed checkpoint (RFC 9162 §2.1). */
  append(entries: readonly LogEntry[]): Promise<Appended[]>
  /** Queues entries in the caller's transaction `tx`; returns their pending ids, in order. */
  queue(tx: Db, entries: readonly LogEntry[]): Promise<bigint[]>
  /** Integrates whatever is pending now. */
  flush(): Promise<void>
}
