import { describe, expect, it } from 'vitest'
import { deflateRaw, inflateRaw } from '../../../src/core/shc/deflate.ts'
import { MAX_PAYLOAD_BYTES } from '../../../src/core/shc/limits.ts'

// Output is taken in 16 KiB chunks: outputs around and past a chunk must come back whole.
describe('inflateRaw', () => {
  it('round-trips outputs below, at and above the reused buffer size', async () => {
    for (const n of [0, 1, 1000, 16_383, 16_384, 16_385, 65_537, 300_000]) {
      const bytes = new Uint8Array(n).map((_, i) => (i % 7 === 0 ? i & 255 : 32))
      const deflated = await deflateRaw(bytes)
      const out = await inflateRaw(deflated, MAX_PAYLOAD_BYTES)
      expect(out.length, `n=${n}`).toBe(n)
      expect(out).toEqual(bytes)
    }
  })

  it('returns its own bytes: a later inflate does not change an earlier result', async () => {
    const a = await inflateRaw(await deflateRaw(new Uint8Array(100).fill(1)), MAX_PAYLOAD_BYTES)
    await inflateRaw(await deflateRaw(new Uint8Array(100).fill(2)), MAX_PAYLOAD_BYTES)
    expect(a).toEqual(new Uint8Array(100).fill(1))
  })

  it('still refuses output beyond the cap for inputs that fit the buffer path', async () => {
    const deflated = await deflateRaw(new Uint8Array(70_000))
    await expect(inflateRaw(deflated, 65_536)).rejects.toMatchObject({ code: 'SHC_INFLATE_LIMIT' })
  })
})
