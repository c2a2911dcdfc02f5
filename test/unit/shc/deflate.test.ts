import { readdirSync } from 'node:fs'
import { constants, deflateRawSync, inflateRawSync as inflateRawSyncNode } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { concatBytes, fromUtf8, utf8 } from '../../../src/core/codec/bytes.ts'
import { deflateRaw, inflateRaw, useDeflateRaw } from '../../../src/core/shc/deflate.ts'
import { MAX_PAYLOAD_BYTES } from '../../../src/core/shc/limits.ts'
import { nodeDeflateRaw, windowBitsFor } from '../../../src/platform/node-crypto/deflate.ts'
import { readVector, vectorPath } from '../../helpers/vectors.ts'

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

  it('takes output up to the cap exactly, one byte more → SHC_INFLATE_LIMIT', async () => {
    for (const n of [1, 16_384, 16_385, 40_000]) {
      const deflated = await deflateRaw(new Uint8Array(n).fill(7))
      expect((await inflateRaw(deflated, n)).length, `n=${n}`).toBe(n)
      await expect(inflateRaw(deflated, n - 1), `n=${n}`).rejects.toMatchObject({
        code: 'SHC_INFLATE_LIMIT',
        field: 'payload',
      })
    }
  })

  it('bytes after the final block are ignored (RFC 1951 §3.2.3: BFINAL ends the data)', async () => {
    const deflated = await deflateRaw(utf8('{"a":1}'))
    const out = await inflateRaw(concatBytes(deflated, Uint8Array.of(1, 2, 3)), 100)
    expect(fromUtf8(out)).toBe('{"a":1}')
  })

  it('empty input and an invalid block type → SHC_INFLATE', async () => {
    await expect(inflateRaw(new Uint8Array(0), 100)).rejects.toMatchObject({
      code: 'SHC_INFLATE',
    })
    // BFINAL=1, BTYPE=11: the reserved block type (RFC 1951 §3.2.3).
    await expect(inflateRaw(Uint8Array.of(0x07, 0, 0), 100)).rejects.toMatchObject({
      code: 'SHC_INFLATE',
    })
  })

  it('a payload after a refused one inflates whole (the shared state is reset)', async () => {
    const good = new Uint8Array(50_000).map((_, i) => (i * 31) & 255)
    const deflated = await deflateRaw(good)
    const refusals: [Uint8Array, number, string][] = [
      [deflated, 20_000, 'SHC_INFLATE_LIMIT'], // stopped mid-stream, window half full
      [deflated.subarray(0, deflated.length - 10), 100_000, 'SHC_INFLATE'], // truncated
      [Uint8Array.of(0x07, 0, 0), 100, 'SHC_INFLATE'], // corrupt
    ]
    for (const [bytes, cap, code] of refusals) {
      await expect(inflateRaw(bytes, cap)).rejects.toMatchObject({ code })
      expect(await inflateRaw(deflated, MAX_PAYLOAD_BYTES)).toEqual(good)
    }
  })

  // The reset keeps the dynamic code tables (deflate.ts resetStream): a stream whose codes
  // differ from the previous one's, or that fails half-way through building them, must not
  // leave anything that the next stream reads.
  it('kept code tables: mixed block types and corrupt code sets in any order match node:zlib', async () => {
    const text = utf8(JSON.stringify({ a: 'x'.repeat(300), b: [1, 2, 3], c: 'héllo wörld' }))
    const random = new Uint8Array(3000).map((_, i) => (i * 2_654_435_761) >>> 24)
    const streams = [
      await deflateRaw(text), // dynamic Huffman
      await deflateRaw(random), // dynamic, other code lengths
      Uint8Array.of(0x4b, 0x04, 0x00), // fixed Huffman: "a"
      Uint8Array.of(0x01, 0x03, 0x00, 0xfc, 0xff, 0x61, 0x62, 0x63), // stored: "abc"
      nodeDeflateRaw(new Uint8Array(20_000).map((_, i) => i % 251)),
    ]
    // Dynamic block (BTYPE=10) whose code-length code lengths are all zero: invalid code set.
    const badCodes = Uint8Array.of(0x05, 0x00, 0x00, 0x00, 0x00, 0x00)
    for (let round = 0; round < 3; round++) {
      for (const [i, deflated] of streams.entries()) {
        const out = await inflateRaw(deflated, MAX_PAYLOAD_BYTES)
        expect(out, `round ${round}, stream ${i}`).toEqual(
          new Uint8Array(inflateRawSyncNode(deflated)),
        )
        await expect(inflateRaw(badCodes, 100)).rejects.toMatchObject({ code: 'SHC_INFLATE' })
      }
    }
  })
})

describe('deflateRaw through the platform (useDeflateRaw): fflate and node:zlib on the SMART Health Cards spec examples', () => {
  const payloads = readdirSync(vectorPath('shc/spec-examples'))
    .filter((name) => name.endsWith('-c-jws-payload-minified.json'))
    .map((name) => readVector(`shc/spec-examples/${name}`))
  afterEach(() => useDeflateRaw(undefined))

  it.each([
    ['fflate (browsers, Workers)', undefined],
    ['node:zlib (Node)', nodeDeflateRaw],
  ])('%s: raw DEFLATE the pure inflater and node:zlib both read back exactly', async (_, impl) => {
    expect(payloads.length).toBeGreaterThan(1)
    useDeflateRaw(impl)
    for (const payload of payloads) {
      const deflated = await deflateRaw(payload)
      expect(deflated.constructor).toBe(Uint8Array)
      expect(deflated.length).toBeLessThan(payload.length)
      expect(await inflateRaw(deflated, MAX_PAYLOAD_BYTES)).toEqual(payload)
      expect(new Uint8Array(inflateRawSyncNode(deflated))).toEqual(payload)
    }
  })
})

describe('node:zlib with a window sized to the input', () => {
  it('gives the bytes of the full 15-bit window for inputs up to and past 32 KiB', () => {
    const text = readVector('shc/spec-examples/example-00-c-jws-payload-minified.json')
    for (const n of [0, 1, 100, 249, 250, 251, 761, 762, 763, 1000, 3834, 3835, 20_000, 40_000]) {
      // Repetitive, card-like input (JSON text repeated), so matches at every distance exist.
      const input = new Uint8Array(n).map((_, i) => text[i % text.length] as number)
      const full = deflateRawSync(input, { level: constants.Z_BEST_COMPRESSION })
      expect(Buffer.from(nodeDeflateRaw(input)).equals(full), `n=${n}`).toBe(true)
    }
  })

  it('sizes the window to hold input and lookahead: 9 bits at least, 15 at most', () => {
    expect(windowBitsFor(0)).toBe(9)
    expect(windowBitsFor(249)).toBe(9) // 249 + 262 + 1 = 512
    expect(windowBitsFor(250)).toBe(10)
    expect(windowBitsFor(1000)).toBe(11)
    expect(windowBitsFor(32_768 - 263)).toBe(15)
    expect(windowBitsFor(1_000_000)).toBe(15)
  })
})
