/** RFC 9562 version-4 UUID from 16 random bytes (randomness is injected, so tests repeat). */
import { toHex } from '../../core/codec/index.ts'

export function uuidFrom(bytes: Uint8Array): string {
  const b = bytes.slice(0, 16)
  b[6] = ((b[6] as number) & 0x0f) | 0x40
  b[8] = ((b[8] as number) & 0x3f) | 0x80
  const h = toHex(b)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
