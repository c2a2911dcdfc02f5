/**
 * The offline verification loop of bench/offline.ts, with nothing Node-specific: it runs in Node
 * and, bundled by bench/offline-chromium.ts, in Chromium (what a venue's verifier page runs).
 */
import { type Policy, verifyTlogProof } from '../src/core/note/index.ts'
import { type ShcTrust, verifyShc } from '../src/core/shc/index.ts'
import { credentialLeafHash } from '../src/core/verify/index.ts'

export interface Card {
  qr: string
  receipt: string
}

/** One card: the SHC checks, the ledger leaf rebuilt from the JWS, and its receipt under `policy`. */
export async function verifyCardOffline(trust: ShcTrust, policy: Policy, card: Card, now: number) {
  const v = await verifyShc({ qr: card.qr }, trust, now)
  const leaf = await credentialLeafHash(v.jwsBytes, v.kid, v.payload.nbf as number)
  const receipt = await verifyTlogProof(card.receipt, leaf, policy)
  if (receipt.cosignatures.length < 2) throw new Error('quorum not checked')
  return receipt
}

/** Serial verification: 20 cards to warm up, then `rounds` passes over the cards, timed. */
export async function offlineLoop(
  trust: ShcTrust,
  policy: Policy,
  cards: readonly Card[],
  rounds: number,
  /** Called when the warm-up is done and timing starts. */
  onStart: () => void = () => {},
): Promise<{ cards: number; ms: number }> {
  const now = Math.floor(Date.now() / 1000)
  for (const c of cards.slice(0, 20)) await verifyCardOffline(trust, policy, c, now)
  onStart()
  const t0 = performance.now()
  for (let r = 0; r < rounds; r++)
    for (const c of cards) await verifyCardOffline(trust, policy, c, now)
  return { cards: cards.length * rounds, ms: performance.now() - t0 }
}
