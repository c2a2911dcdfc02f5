/**
 * The service's random bytes come from a pool refilled from WebCrypto (platform/context): each
 * byte is handed out once, whatever the sizes asked, and large requests bypass the pool.
 */
import { describe, expect, it } from 'vitest'
import { systemRandom } from '../../src/platform/context/index.ts'

describe('systemRandom', () => {
  it('gives the length asked, never the same 16 bytes twice across pool refills', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 20_000; i++) {
      const size = [12, 16, 32, 7][i % 4] as number
      const bytes = systemRandom(size)
      expect(bytes.length).toBe(size)
      if (size === 16) {
        const hex = Buffer.from(bytes).toString('hex')
        expect(seen.has(hex)).toBe(false)
        seen.add(hex)
      }
    }
    expect(seen.size).toBe(5_000)
  })

  it('a byte given out is not changed later (the caller owns its copy)', () => {
    const first = systemRandom(32)
    const copy = first.slice()
    for (let i = 0; i < 1_000; i++) systemRandom(32)
    expect(first).toEqual(copy)
  })

  it('large requests come whole; byte values spread over 0–255', () => {
    const big = systemRandom(65_536)
    expect(big.length).toBe(65_536)
    const counts = new Array<number>(256).fill(0)
    for (const b of big) counts[b] = (counts[b] as number) + 1
    // 256 expected per value; a stuck or zeroed source would be far outside these bounds.
    expect(Math.min(...counts)).toBeGreaterThan(150)
    expect(Math.max(...counts)).toBeLessThan(370)
  })
})
