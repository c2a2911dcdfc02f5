/**
 * @module services/ledger/final-cosign
 * Asks the configured witnesses to cosign a frozen shard's final checkpoint (c2sp.org/
 * tlog-witness add-checkpoint), with a consistency proof from the size each witness last cosigned
 * (learnt from its 409), read from the frozen shard's tables. A witness that cosigns a checkpoint
 * with the `final` line refuses any later one of that origin past its size (services/witness).
 */
import {
  formatSignatureLine,
  parseNote,
  parseVerifierKey,
  verifyCosignature,
} from '../../core/note/index.ts'
import { formatAddCheckpoint, parseSize } from '../../core/witness/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { consistencyProof } from './proofs.ts'
import { type Shard, storeFinalNote, withShard } from './shards.ts'

export interface FinalCosignResult {
  witness: string
  ok: boolean
  reason?: string
}

/** Bare final note (log signature only): the text and the log's signature line. */
function bare(note: string, origin: string): string {
  return note
    .split('\n')
    .filter((line) => !line.startsWith('— ') || line.startsWith(`— ${origin} `))
    .join('\n')
}

export async function cosignFinalCheckpoint(
  ctx: Pick<ServiceContext, 'db' | 'config'>,
  shard: Shard,
  fetcher: typeof fetch = fetch,
): Promise<FinalCosignResult[]> {
  if (shard.finalNote === null || shard.finalSize === null) throw new Error('shard is not frozen')
  const note = bare(shard.finalNote, shard.origin)
  const size = shard.finalSize
  const lines: string[] = []
  const results: FinalCosignResult[] = []
  for (const w of ctx.config.witnesses) {
    let old = 0n
    let outcome: FinalCosignResult = { witness: w.name, ok: false, reason: 'conflict' }
    for (let attempt = 0; attempt < 4; attempt++) {
      const proof =
        old > 0n && old < size
          ? (
              await withShard(ctx.db, shard, (db) =>
                consistencyProof({ db }, { first: old, second: size }),
              )
            ).proof
          : []
      let res: Response
      try {
        res = await fetcher(`${w.url}/add-checkpoint`, {
          method: 'POST',
          body: formatAddCheckpoint({ old, proof, note }),
          headers: { 'content-type': 'text/plain' },
          signal: AbortSignal.timeout(ctx.config.witnessTimeoutMs),
        })
      } catch (err) {
        outcome = { witness: w.name, ok: false, reason: `unreachable: ${String(err)}` }
        break
      }
      if (res.status === 409) {
        old = parseSize(await res.text())
        continue
      }
      if (res.status !== 200) {
        outcome = { witness: w.name, ok: false, reason: `HTTP ${res.status} ${await res.text()}` }
        break
      }
      const cosigned = parseNote(`${note}${await res.text()}`)
      const key = parseVerifierKey(w.vkey)
      const sig = cosigned.signatures.find((s) => s.name === key.name && s.keyId === key.keyId)
      if (sig === undefined) {
        outcome = { witness: w.name, ok: false, reason: 'no cosignature from the witness key' }
        break
      }
      await verifyCosignature(cosigned.text, sig.signature, key)
      lines.push(formatSignatureLine(sig))
      outcome = { witness: w.name, ok: true }
      break
    }
    results.push(outcome)
  }
  if (lines.length > 0) {
    // Lines from witnesses that did not answer this time stay (one line per witness key name).
    const byName = new Map<string, string>()
    for (const sig of parseNote(shard.finalNote).signatures)
      if (sig.name !== shard.origin) byName.set(sig.name, formatSignatureLine(sig))
    for (const line of lines) byName.set(line.slice(2, line.indexOf(' ', 2)), line)
    const all = [...byName].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, line]) => line)
    await storeFinalNote(ctx.db, shard.id, `${note}${all.join('')}`)
  }
  return results
}
