/**
 * An in-memory log for witness tests: leaves, roots, consistency proofs (core merkle over an
 * in-memory hash reader) and Ed25519-signed checkpoints under a fresh log key.
 */
import {
  type HashReader,
  hashLeaf,
  proveConsistency,
  rootFromLeafHashes,
} from '../../src/core/merkle/index.ts'
import {
  createSigner,
  formatCheckpoint,
  generateSignerKey,
  type Signer,
  signNote,
} from '../../src/core/note/index.ts'

export interface MemoryLog {
  origin: string
  vkey: string
  signer: Signer
  leaves: Uint8Array[]
  append(n: number, tag?: string): void
  root(size?: number): Uint8Array
  /** The signed checkpoint note at `size` (default: all leaves). */
  checkpoint(size?: number): Promise<string>
  proof(first: number, second: number): Promise<Uint8Array[]>
}

export async function memoryLog(origin = 'log.example/test'): Promise<MemoryLog> {
  const key = await generateSignerKey(origin, (n) => crypto.getRandomValues(new Uint8Array(n)))
  const signer = await createSigner(key)
  const leaves: Uint8Array[] = []
  const reader: HashReader = async (nodes) =>
    nodes.map((n) => {
      const span = 2 ** n.level
      const lo = Number(n.index) * span
      return rootFromLeafHashes(leaves.slice(lo, lo + span))
    })
  const log: MemoryLog = {
    origin,
    vkey: key.vkey,
    signer,
    leaves,
    append(n, tag = 'leaf') {
      for (let i = 0; i < n; i++)
        leaves.push(hashLeaf(new TextEncoder().encode(`${tag} ${leaves.length}`)))
    },
    root: (size = leaves.length) => rootFromLeafHashes(leaves.slice(0, size)),
    checkpoint: (size = leaves.length) =>
      signNote(
        formatCheckpoint({ origin, size: BigInt(size), root: log.root(size), extensions: [] }),
        [signer],
      ),
    proof: (first, second) => proveConsistency(BigInt(first), BigInt(second), reader),
  }
  return log
}
