/**
 * @module ledger/checkpoint
 * Vigil's checkpoints: c2sp.org/tlog-checkpoint with two extension lines,
 *   time <POSIX seconds>       when the log signed it (how fresh a verifier's copy is)
 *   prev <base64 SHA-256>      hash of the previous signed checkpoint note (the hash chain)
 * The genesis checkpoint (size 0) has no `prev` line.
 */
import { fromBase64Url, toBase64 } from '../core/codec/base64.ts'
import { sha256 } from '../core/codec/bytes.ts'
import {
  type Checkpoint,
  formatCheckpoint,
  parseCheckpoint,
  type Signer,
  signNote,
} from '../core/note/index.ts'
import type { SigningKey } from '../keys/store.ts'

export interface VigilCheckpoint extends Checkpoint {
  time: number
  prev: Uint8Array | undefined
}

export function checkpointText(c: {
  origin: string
  size: bigint
  root: Uint8Array
  time: number
  prev?: Uint8Array
}): string {
  const extensions = [`time ${c.time}`]
  if (c.prev !== undefined) extensions.push(`prev ${toBase64(c.prev)}`)
  return formatCheckpoint({ origin: c.origin, size: c.size, root: c.root, extensions })
}

/** Parses the text of a Vigil checkpoint, reading the time and prev extension lines. */
export function parseVigilCheckpoint(text: string): VigilCheckpoint {
  const c = parseCheckpoint(text)
  let time = 0
  let prev: Uint8Array | undefined
  for (const line of c.extensions) {
    if (line.startsWith('time ')) time = Number(line.slice(5))
    else if (line.startsWith('prev '))
      prev = Uint8Array.from(atob(line.slice(5)), (ch) => ch.charCodeAt(0))
  }
  return { ...c, time, prev }
}

/** A note signer over the key store's log key (type 0x01; key id from the key's id). */
export function logSigner(key: SigningKey, name: string): Signer {
  return {
    name,
    keyId: Number.parseInt(key.id.slice('log-'.length), 16),
    type: 0x01,
    sign: async (message) =>
      new Uint8Array(
        await crypto.subtle.sign('Ed25519', key.privateKey, message as Uint8Array<ArrayBuffer>),
      ),
  }
}

/** The raw public key of a log key (for building verifiers). */
export function logPublicKey(key: SigningKey): Uint8Array {
  return fromBase64Url(key.publicJwk.x ?? '')
}

export async function signCheckpoint(
  signer: Signer,
  c: { origin: string; size: bigint; root: Uint8Array; time: number; prev?: Uint8Array },
): Promise<{ note: string; noteHash: Uint8Array }> {
  const note = await signNote(checkpointText(c), [signer])
  return { note, noteHash: await sha256(new TextEncoder().encode(note)) }
}
