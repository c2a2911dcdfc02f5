/**
 * @module core/verify/http-source
 * The ledger of a Vigil deployment as a LedgerSource over core/log-client: the k-anonymous
 * lookup, hash tiles (c2sp.org/tlog-tiles), the latest checkpoint and consistency proofs. The
 * fetch is passed in (the page gives one that caches, tests give the app's own).
 */
import { createLogClient, type LogClient, type LogFetch } from '../log-client/index.ts'
import type { LedgerSource } from './ledger.ts'

/** What the verifier fetches with (the log client's fetch). */
export type Fetcher = LogFetch

/** A LedgerSource reading through `client`. */
export function clientLedgerSource(client: LogClient): LedgerSource {
  return {
    lookup: (prefix) => client.lookup(prefix),
    readTiles: client.readTiles,
    latestCheckpoint: () => client.checkpoint(),
    consistencyProof: (first, second) => client.consistencyProof(first, second),
    shard: (id) => clientLedgerSource(client.shard(id)),
  }
}

/** `base` is the deployment URL (or '' for the page's own origin). */
export function httpLedgerSource(base: string, fetcher: Fetcher): LedgerSource {
  return clientLedgerSource(createLogClient(base, fetcher))
}
