/**
 * @module core/leaf/leaf
 * The ledger's leaf: a small, versioned, canonical binary record that commits to an artefact and
 * holds no personal data (docs/LEDGER.md, leaf format). Anyone holding the artefact can rebuild the
 * leaf bytes (and so its RFC 9162 leaf hash) without asking the log.
 *
 *   u8  version (1)
 *   u8  kind (see ENTRY_KINDS)
 *   32  SHA-256 of the artefact (e.g. the compact JWS of a credential)
 *   u8  key id length n (1..255), then n bytes of key id (printable ASCII)
 *   u64 time, POSIX seconds, big-endian, a whole hour (rounding hides the exact moment)
 */
import { CoreError } from '../errors.ts'

export const ENTRY_VERSION = 1
export const HOUR = 3600

export const ENTRY_KINDS = {
  credential: 1,
  revocation: 2,
  'issuer-key': 3,
  'export-batch': 4,
  'verifier-release': 5,
  'audit-digest': 6,
  /** An imported EU DCC / GDHCN trust or revocation list (key id `dcc:<name>`). */
  'trust-list': 7,
  /** A public statistics release (core/stats statsReleaseText). */
  'stats-release': 8,
} as const

export type EntryKind = keyof typeof ENTRY_KINDS

export type EntryErrorCode =
  | 'ENTRY_VERSION'
  | 'ENTRY_KIND'
  | 'ENTRY_HASH'
  | 'ENTRY_KEY_ID'
  | 'ENTRY_TIME'
  | 'ENTRY_LENGTH'

export class EntryError extends CoreError<EntryErrorCode> {}

export interface LogEntry {
  kind: EntryKind
  /** SHA-256 of the artefact. */
  artefactHash: Uint8Array
  /** The key that signed the artefact (issuer kid, log key id, …). */
  keyId: string
  /** POSIX seconds, a multiple of 3600. */
  time: number
}

const KIND_BY_CODE = new Map<number, EntryKind>(
  Object.entries(ENTRY_KINDS).map(([k, v]) => [v, k as EntryKind]),
)
const KEY_ID = /^[\x21-\x7e]{1,255}$/

/** Rounds a time down to the hour, as every entry's time must be. */
export function roundToHour(seconds: number): number {
  return Math.floor(seconds / HOUR) * HOUR
}

export function encodeEntry(entry: LogEntry): Uint8Array {
  const code = ENTRY_KINDS[entry.kind]
  if (code === undefined)
    throw new EntryError('ENTRY_KIND', `unknown kind ${String(entry.kind)}`, { field: 'kind' })
  if (entry.artefactHash.length !== 32) {
    throw new EntryError('ENTRY_HASH', 'artefact hash must be 32 bytes', { field: 'artefactHash' })
  }
  if (!KEY_ID.test(entry.keyId)) {
    throw new EntryError('ENTRY_KEY_ID', 'key id must be 1-255 printable ASCII characters', {
      field: 'keyId',
    })
  }
  if (!Number.isSafeInteger(entry.time) || entry.time < 0 || entry.time % HOUR !== 0) {
    throw new EntryError('ENTRY_TIME', 'time must be whole hours since the epoch', {
      field: 'time',
    })
  }
  const keyId = new TextEncoder().encode(entry.keyId)
  const out = new Uint8Array(2 + 32 + 1 + keyId.length + 8)
  out[0] = ENTRY_VERSION
  out[1] = code
  out.set(entry.artefactHash, 2)
  out[34] = keyId.length
  out.set(keyId, 35)
  new DataView(out.buffer).setBigUint64(35 + keyId.length, BigInt(entry.time))
  return out
}

/** Strict decoding of attacker-reachable bytes (entry bundles fetched from a log). */
export function decodeEntry(bytes: Uint8Array): LogEntry {
  if (bytes.length < 2 + 32 + 1 + 1 + 8) throw new EntryError('ENTRY_LENGTH', 'entry too short')
  if (bytes[0] !== ENTRY_VERSION)
    throw new EntryError('ENTRY_VERSION', `unsupported entry version ${bytes[0]}`)
  const kind = KIND_BY_CODE.get(bytes[1] as number)
  if (kind === undefined)
    throw new EntryError('ENTRY_KIND', `unknown entry kind ${bytes[1]}`, { field: 'kind' })
  const n = bytes[34] as number
  if (bytes.length !== 35 + n + 8)
    throw new EntryError('ENTRY_LENGTH', 'entry length does not match its key id length')
  const keyId = String.fromCharCode(...bytes.subarray(35, 35 + n))
  if (!KEY_ID.test(keyId))
    throw new EntryError('ENTRY_KEY_ID', 'key id is not printable ASCII', { field: 'keyId' })
  const time = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getBigUint64(35 + n)
  if (time > BigInt(Number.MAX_SAFE_INTEGER) || time % BigInt(HOUR) !== 0n) {
    throw new EntryError('ENTRY_TIME', 'time must be whole hours since the epoch', {
      field: 'time',
    })
  }
  return { kind, artefactHash: bytes.slice(2, 34), keyId, time: Number(time) }
}
