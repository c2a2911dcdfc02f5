/**
 * Browser entry of the Chromium offline bench (bundled by bench/offline-chromium.ts): the same
 * loop as in Node, with the page's WebCrypto (what /verify uses), on the page's main thread.
 */
import type { Policy } from '../src/core/note/index.ts'
import type { ShcTrust } from '../src/core/shc/index.ts'
import { type Card, offlineLoop } from './offline-verify.ts'

export interface OfflineMaterial {
  issuerKeys: { keys: JsonWebKey[] }
  policy: Policy
  cards: Card[]
}

async function run(material: OfflineMaterial, rounds: number, inFlight = 1) {
  const trust: ShcTrust = {
    allowLoopbackHttp: true,
    resolveIssuerKeys: async () => material.issuerKeys,
  }
  return offlineLoop(trust, material.policy, material.cards, rounds, { inFlight })
}

;(globalThis as unknown as { vigilOffline: typeof run }).vigilOffline = run
