/**
 * Dedicated Web Worker entry of the Chromium offline bench (bundled by bench/offline-chromium.ts
 * measureOfflineWorkers): the same loop as the page's, over the cards the page hands it. Told
 * 'warm' it runs the warm-up pass and answers 'ready'; told 'go' it runs the timed passes and
 * answers with its count, so the page times all workers together from one start.
 */
import type { Policy } from '../src/core/note/index.ts'
import type { ShcTrust } from '../src/core/shc/index.ts'
import { type Card, offlineLoop, verifyCardOffline } from './offline-verify.ts'

interface Material {
  issuerKeys: { keys: JsonWebKey[] }
  policy: Policy
  cards: Card[]
}

let material: Material | undefined
let trust: ShcTrust | undefined

const scope = globalThis as unknown as {
  onmessage: (e: MessageEvent) => void
  postMessage: (m: unknown) => void
}

scope.onmessage = async (e: MessageEvent) => {
  const msg = e.data as
    | { kind: 'warm'; material: Material }
    | { kind: 'go'; rounds: number; inFlight: number }
  if (msg.kind === 'warm') {
    const m = msg.material
    material = m
    trust = { allowLoopbackHttp: true, resolveIssuerKeys: async () => m.issuerKeys }
    const now = Math.floor(Date.now() / 1000)
    // Every card once: checkpoints and keys cached as the page's loop has them after warm-up.
    for (const c of m.cards) await verifyCardOffline(trust, m.policy, c, now)
    scope.postMessage({ kind: 'ready' })
    return
  }
  if (material === undefined || trust === undefined) throw new Error('not warmed')
  const { cards, ms } = await offlineLoop(trust, material.policy, material.cards, msg.rounds, {
    inFlight: msg.inFlight,
  })
  scope.postMessage({ kind: 'done', cards, ms })
}
