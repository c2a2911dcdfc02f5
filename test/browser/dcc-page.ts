/**
 * The page side of dcc-core.test.ts: core/dcc and core/verify's verifyDcc, bundled by Vite as
 * the verifier page bundles them, verifying vectors in Chromium with its WebCrypto.
 */
import { fromBase64 } from '../../src/core/codec/index.ts'
import { dccTrust, signerFromDsc } from '../../src/core/dcc/index.ts'
import { verifyDcc } from '../../src/core/verify/index.ts'

export interface PageCase {
  readonly text: string
  readonly certificate: string
  readonly now: number
}

async function run(cases: readonly PageCase[]): Promise<string[]> {
  const out: string[] = []
  for (const c of cases) {
    const trust = dccTrust([await signerFromDsc(fromBase64(c.certificate))])
    const v = await verifyDcc(c.text, { trust, now: c.now })
    out.push(`${v.status} ${v.reason?.code ?? ''}`)
  }
  return out
}

;(globalThis as { vigilDcc?: typeof run }).vigilDcc = run
