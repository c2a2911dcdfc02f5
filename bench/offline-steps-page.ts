/**
 * Browser entry of the Chromium step timing (bench/offline-chromium.ts measureStepsChromium):
 * each step of one card's offline verification alone, on the page's main thread, as
 * bench/offline.ts measureSteps does in Node. Chromium coarsens performance.now() to 100 µs on a
 * page that is not cross-origin isolated, so each step is timed over many cards.
 */
import { sha256, sha256Sync } from '../src/core/codec/index.ts'
import {
  createVerifiedPaths,
  hashLeaf,
  verifyInclusion,
  verifyInclusionKept,
} from '../src/core/merkle/index.ts'
import { type Policy, parseTlogProof, verifyCheckpointWithPolicy } from '../src/core/note/index.ts'
import {
  checkShcClaims,
  decodeShcPayload,
  lintBundleMinimisation,
  parseShcJws,
  type ShcTrust,
  verifyShc,
} from '../src/core/shc/index.ts'
import { readShcQr } from '../src/core/shc/qr-read.ts'
import { verifyShcSignature, webCryptoEs256 } from '../src/core/shc/verify-signature.ts'
import { credentialLeaf, credentialLeafHash } from '../src/core/verify/index.ts'
import type { Card } from './offline-verify.ts'

async function steps(
  material: { issuerKeys: { keys: JsonWebKey[] }; policy: Policy; cards: Card[] },
  reps: number,
) {
  const trust: ShcTrust = {
    allowLoopbackHttp: true,
    resolveIssuerKeys: async () => material.issuerKeys,
  }
  const now = Math.floor(Date.now() / 1000)
  const cards = await Promise.all(
    material.cards.map(async (c) => {
      const jws = readShcQr(c.qr).jws
      const parsed = parseShcJws(jws)
      const decoded = await decodeShcPayload(parsed.deflated)
      const v = await verifyShc({ qr: c.qr }, trust, now)
      const proof = parseTlogProof(c.receipt)
      const leaf = await credentialLeafHash(v.jwsBytes, v.kid, v.payload.nbf as number)
      const { checkpoint } = await verifyCheckpointWithPolicy(proof.checkpoint, material.policy)
      const entry = await credentialLeaf(v.jwsBytes, v.kid, v.payload.nbf as number)
      const signingInput = v.jwsBytes.subarray(0, jws.lastIndexOf('.'))
      return { ...c, jws, parsed, decoded, v, proof, leaf, checkpoint, signingInput, entry }
    }),
  )
  type C = (typeof cards)[number]
  const paths = createVerifiedPaths()
  const list: [string, (c: C) => unknown][] = [
    ['QR digits → JWS', (c) => readShcQr(c.qr)],
    ['JWS parse', (c) => parseShcJws(c.jws)],
    ['inflate + payload JSON', (c) => decodeShcPayload(c.parsed.deflated)],
    [
      'ES256 WebCrypto alone (imported key)',
      (c) => webCryptoEs256(c.v.jwk, c.signingInput, c.parsed.signature),
    ],
    [
      'ES256 (verifyShcSignature)',
      (c) => verifyShcSignature(c.jws, c.v.jwk, c.parsed, undefined, c.v.jwsBytes),
    ],
    [
      'claims, FHIR checks, minimisation lint',
      (c) => {
        const { payload } = checkShcClaims(c.decoded.claims, now)
        lintBundleMinimisation(payload.vc.credentialSubject.fhirBundle)
      },
    ],
    ['leaf', (c) => credentialLeafHash(c.v.jwsBytes, c.v.kid, c.v.payload.nbf as number)],
    ['leaf hash alone (@noble/hashes)', (c) => hashLeaf(c.entry)],
    ['SHA-256 of the JWS (WebCrypto)', (c) => sha256(c.v.jwsBytes)],
    ['SHA-256 of the JWS (@noble/hashes)', (c) => sha256Sync(c.v.jwsBytes)],
    ['receipt parse', (c) => parseTlogProof(c.receipt)],
    ['checkpoint (cached)', (c) => verifyCheckpointWithPolicy(c.proof.checkpoint, material.policy)],
    [
      'inclusion proof',
      (c) =>
        verifyInclusion(c.leaf, c.proof.index, c.checkpoint.size, c.proof.proof, c.checkpoint.root),
    ],
    [
      'inclusion proof, kept paths',
      (c) =>
        verifyInclusionKept(
          paths,
          c.leaf,
          c.proof.index,
          c.checkpoint.size,
          c.proof.proof,
          c.checkpoint.root,
        ),
    ],
    ['verifyShc whole', (c) => verifyShc({ qr: c.qr }, trust, now)],
  ]
  const out: Record<string, number> = {}
  for (const [name, fn] of list) {
    for (const c of cards) await fn(c)
    const t0 = performance.now()
    for (let r = 0; r < reps; r++) for (const c of cards) await fn(c)
    out[name] = Number((((performance.now() - t0) * 1000) / (reps * cards.length)).toFixed(1))
  }
  // The same ES256 calls all in flight at once: whether Chromium verifies off the main thread
  // (then concurrency hides it) or on it (then it does not).
  for (let k = 0; k < 2; k++) {
    const t0 = performance.now()
    for (let r = 0; r < reps; r++)
      await Promise.all(
        cards.map((c) => webCryptoEs256(c.v.jwk, c.signingInput, c.parsed.signature)),
      )
    out['ES256 WebCrypto, all cards in flight'] = Number(
      (((performance.now() - t0) * 1000) / (reps * cards.length)).toFixed(1),
    )
  }
  return out
}

;(globalThis as unknown as { vigilSteps: typeof steps }).vigilSteps = steps
