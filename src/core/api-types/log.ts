/**
 * JSON of the public log API (src/http/routes/log.ts) beside its c2sp.org/tlog-tiles resources.
 * Numbers that may exceed 2^53 (indices, tree sizes) are decimal strings; hashes are hex in
 * listings and standard base64 in proofs and checkpoints, as the routes spell them.
 */

/** One entry as `/log/entries` lists it: the decoded leaf (the log holds no personal data). */
export interface LogEntryView {
  index: string
  /** Hex SHA-256 leaf hash (RFC 9162 §2.1.1). */
  leafHash: string
  kind: string
  /** Hex SHA-256 of the artefact (a credential's compact JWS, a revocation, a key). */
  artefactHash: string
  keyId: string
  /** The entry's hour, ISO 8601 UTC. */
  time: string
}

/** `GET /log/entries?start=&limit=` */
export interface LogEntriesPage {
  entries: LogEntryView[]
}

/** One (leaf hash, index) pair under a lookup prefix. */
export interface LookupMatch {
  /** Hex SHA-256 leaf hash. */
  readonly leafHash: string
  readonly index: string
}

/** `GET /log/lookup/{prefix}`: every leaf whose hash starts with a short hex prefix. */
export interface LookupBucket {
  prefix: string
  matches: LookupMatch[]
}

/** One signed checkpoint of the chain. */
export interface CheckpointView {
  size: string
  /** The signed note (c2sp.org/tlog-checkpoint) as stored. */
  note: string
  /** Standard base64 SHA-256 of the note: what the next checkpoint's `prev` line names. */
  hash: string
  createdAt: string
}

/** `GET /log/checkpoints?before=&limit=`: newest first; `next` is the `before` of the next page. */
export interface CheckpointsPage {
  checkpoints: CheckpointView[]
  next?: string
}

/** `GET /log/proof/inclusion?index=&size=` (RFC 9162 §2.1.3). */
export interface InclusionProofView {
  index: string
  size: string
  /** Standard base64 hashes. */
  proof: string[]
}

/** `GET /log/proof/consistency?first=&second=` (RFC 9162 §2.1.4). */
export interface ConsistencyProofView {
  first: string
  second: string
  /** Standard base64 hashes. */
  proof: string[]
}
