/**
 * Bounds that keep the rejection of crafted input cheap (bench/reject.ts): the payload may
 * inflate to MAX_INFLATE_RATIO times its size (plus slack), inflating stops at the cap instead of
 * decoding the whole bomb, a QR text set longer than the longest JWS is refused before it is
 * split, and the bundle walk names the path at fault.
 */
import { describe, expect, it } from 'vitest'
import { utf8 } from '../../../src/core/codec/bytes.ts'
import { deflateRaw, inflateRaw } from '../../../src/core/shc/deflate.ts'
import {
  checkFhirBundle,
  decodeShcPayload,
  parseShcJws,
  readShcQr,
} from '../../../src/core/shc/index.ts'
import { MAX_INFLATE_RATIO, MAX_INFLATE_SLACK } from '../../../src/core/shc/limits.ts'
import { MAX_QR_SET_TEXT } from '../../../src/core/shc/qr-read.ts'
import { readScannedText } from '../../../src/core/verify/input.ts'
import { readVectorText } from '../../helpers/vectors.ts'

const json = (n: number) => utf8(`{"a":"${'x'.repeat(n)}"}`)

describe('payload inflate ratio (limits.ts MAX_INFLATE_RATIO)', () => {
  it('a payload inflating past ratio × size + slack → SHC_INFLATE_LIMIT', async () => {
    const deflated = await deflateRaw(json(200_000)) // ~200 bytes → 200 KB
    expect(deflated.length * MAX_INFLATE_RATIO + MAX_INFLATE_SLACK).toBeLessThan(200_000)
    await expect(decodeShcPayload(deflated)).rejects.toMatchObject({
      code: 'SHC_INFLATE_LIMIT',
      field: 'payload',
    })
  })

  it('a payload just under the bound still decodes', async () => {
    const deflated = await deflateRaw(json(MAX_INFLATE_SLACK - 20))
    const { claims } = await decodeShcPayload(deflated)
    expect(claims.a).toHaveLength(MAX_INFLATE_SLACK - 20)
  })

  it('the spec examples (about 3×) decode', async () => {
    for (const n of ['00', '01', '02', '03']) {
      const jws = readVectorText(`shc/spec-examples/example-${n}-d-jws.txt`).trim()
      const { claims } = await decodeShcPayload(parseShcJws(jws).deflated)
      expect(claims.iss).toBe('https://spec.smarthealth.cards/examples/issuer')
    }
  })
})

describe('inflateRaw stops at the cap', () => {
  it('a 1 KB bomb of 1 MiB is refused after at most one chunk past a small cap', async () => {
    const bomb = await deflateRaw(new Uint8Array(1_000_000).fill(0x31))
    await expect(inflateRaw(bomb, 20_000)).rejects.toMatchObject({ code: 'SHC_INFLATE_LIMIT' })
    // Stopping early does a fraction of the work of inflating it all. The fastest of several
    // warm runs of each, so a busy machine's pauses do not decide the comparison.
    const fastest = async (work: () => Promise<unknown>) => {
      let best = Number.POSITIVE_INFINITY
      for (let i = 0; i < 7; i++) {
        const started = performance.now()
        await work()
        best = Math.min(best, performance.now() - started)
      }
      return best
    }
    await inflateRaw(bomb, 2_000_000)
    const capped = await fastest(() => inflateRaw(bomb, 20_000).catch(() => undefined))
    const whole = await fastest(() => inflateRaw(bomb, 2_000_000))
    expect(capped).toBeLessThan(whole)
  })

  it('a truncated stream → SHC_INFLATE', async () => {
    const deflated = await deflateRaw(json(5000))
    await expect(inflateRaw(deflated.subarray(0, 5), 65_536)).rejects.toMatchObject({
      code: 'SHC_INFLATE',
    })
  })
})

describe('QR text bounded before it is split', () => {
  it('many short QR lines → SHC_TOO_LARGE from the verifier input', () => {
    const text = Array.from({ length: 50_000 }, () => 'shc:/56').join('\n')
    expect(text.length).toBeGreaterThan(MAX_QR_SET_TEXT)
    expect(() => readScannedText(text)).toThrow(expect.objectContaining({ code: 'SHC_TOO_LARGE' }))
  })

  it('32 full chunks (more digits than the longest JWS) → SHC_TOO_LARGE', () => {
    const chunks = Array.from({ length: 32 }, (_, i) => `shc:/${i + 1}/32/${'56'.repeat(3544)}`)
    expect(() => readShcQr(chunks)).toThrow(expect.objectContaining({ code: 'SHC_TOO_LARGE' }))
  })
})

describe('bundle walk', () => {
  const bundle = (resource: unknown) => ({
    resourceType: 'Bundle',
    type: 'collection',
    entry: [{ resource: { resourceType: 'Patient', ...(resource as object) } }],
  })

  it('names the path of an empty value deep in the bundle', () => {
    expect(() => checkFhirBundle(bundle({ name: [{ given: ['A', ''] }] }))).toThrow(
      expect.objectContaining({
        code: 'SHC_BUNDLE',
        field: 'fhirBundle.entry[0].resource.name[0].given[1]',
      }),
    )
  })

  it('nesting past the depth bound → SHC_BUNDLE', () => {
    let deep: unknown = 1
    for (let i = 0; i < 100; i++) deep = [deep]
    expect(() => checkFhirBundle(bundle({ a: deep }))).toThrow(
      expect.objectContaining({ code: 'SHC_BUNDLE' }),
    )
  })
})
