/**
 * @module platform/node-crypto/sha256
 * SHA-256 through node:crypto's one-shot `hash` (OpenSSL) for the core (codec `useSha256`): on a
 * 65-byte Merkle node 1.5–2× @noble/hashes, on an 8 KB tile 7–9× (bench/verdict.ts). Node
 * entry points install it; browsers and Workers keep the pure one.
 */
import { hash } from 'node:crypto'
import { type Sha256, useSha256 } from '../../core/codec/index.ts'

export const nodeSha256: Sha256 = (data) => {
  // A plain Uint8Array of its own: a small Buffer is a view into a shared pool.
  const out = new Uint8Array(32)
  out.set(hash('sha256', data, 'buffer'))
  return out
}

/** Makes the core hash through node:crypto in this process. */
export function installNodeSha256(): void {
  useSha256(nodeSha256)
}
