/**
 * @module core/witness/request
 * The c2sp.org/tlog-witness wire formats: the add-checkpoint request body
 *
 *   old <size>\n
 *   <base64 consistency-proof hash>\n   (0 to 63 lines)
 *   \n
 *   <signed checkpoint note>
 *
 * and the `text/x.tlog.size` body a witness sends with 409 (its latest cosigned size). Everything
 * parsed here is attacker-controlled (a witness parses what any client posts).
 */
import { fromBase64, toBase64 } from '../codec/index.ts'
import { MAX_NOTE_LENGTH, parseU64 } from '../note/index.ts'
import { WitnessError } from './errors.ts'

/** The spec caps the proof at 63 hashes (a consistency proof in a 2^64 tree is never longer). */
export const MAX_PROOF_LINES = 63
export const SIZE_MEDIA_TYPE = 'text/x.tlog.size'
/** The proof (63 × 45 bytes) and the header fit well inside this on top of a note. */
export const MAX_REQUEST_LENGTH = MAX_NOTE_LENGTH + 8192

export interface AddCheckpointRequest {
  /** The size of the latest checkpoint the client believes the witness cosigned (0: none). */
  readonly old: bigint
  /** RFC 9162 consistency proof from `old` to the checkpoint's size. */
  readonly proof: readonly Uint8Array[]
  /** The signed checkpoint note, verbatim. */
  readonly note: string
}

const bad = (message: string, field?: string) =>
  new WitnessError('WITNESS_BAD_REQUEST', message, { field })

export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  if (body.length > MAX_REQUEST_LENGTH) throw bad('request body too large')
  const split = body.indexOf('\n\n')
  if (split < 0) throw bad('no blank line before the checkpoint')
  const [first = '', ...lines] = body.slice(0, split).split('\n')
  if (!first.startsWith('old ')) throw bad('the first line must be "old <size>"', 'old')
  const old = parseU64(first.slice(4))
  if (old === undefined) throw bad('old must be a decimal size without leading zeros', 'old')
  if (lines.length > MAX_PROOF_LINES) throw bad(`more than ${MAX_PROOF_LINES} proof lines`, 'proof')
  const proof = lines.map((line, i) => {
    let hash: Uint8Array
    try {
      hash = fromBase64(line)
    } catch {
      throw bad('a proof line is not base64', `proof[${i}]`)
    }
    if (hash.length !== 32) throw bad('a proof hash is not 32 bytes', `proof[${i}]`)
    return hash
  })
  return { old, proof, note: body.slice(split + 2) }
}

export function formatAddCheckpoint(request: AddCheckpointRequest): string {
  if (request.proof.length > MAX_PROOF_LINES) throw bad('proof too long', 'proof')
  const lines = [`old ${request.old}`, ...request.proof.map(toBase64)]
  return `${lines.join('\n')}\n\n${request.note}`
}

export function formatSize(size: bigint): string {
  return `${size}\n`
}

/** The 409 body: one decimal size; a trailing newline is optional. */
export function parseSize(body: string): bigint {
  const size = parseU64(body.endsWith('\n') ? body.slice(0, -1) : body)
  if (size === undefined) throw new WitnessError('WITNESS_BAD_SIZE', 'not a tlog size body')
  return size
}
