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

/**
 * 20 cards to warm up, then `rounds` passes over the cards, timed. Each pass verifies every card
 * once with `inFlight` cards in flight at a time (1: one after another, a venue's single scan):
 * while one card waits for WebCrypto's answer the thread works on the next, as a batch (a list
 * of cards, a snapshot) would be verified.
 */
export async function offlineLoop(
  trust: ShcTrust,
  policy: Policy,
  cards: readonly Card[],
  rounds: number,
  {
    onStart = () => {},
    inFlight = 1,
  }: {
    /** Called when the warm-up is done and timing starts. */
    onStart?: () => void
    inFlight?: number
  } = {},
): Promise<{ cards: number; ms: number }> {
  const now = Math.floor(Date.now() / 1000)
  for (const c of cards.slice(0, 20)) await verifyCardOffline(trust, policy, c, now)
  onStart()
  const t0 = performance.now()
  for (let r = 0; r < rounds; r++) {
    let next = 0
    const lane = async () => {
      for (let i = next++; i < cards.length; i = next++)
        await verifyCardOffline(trust, policy, cards[i] as Card, now)
    }
    await Promise.all(Array.from({ length: Math.max(1, inFlight) }, lane))
  }
  return { cards: cards.length * rounds, ms: performance.now() - t0 }
}
