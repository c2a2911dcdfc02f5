/**
 * @module exposure/node-crypto
 * The EN crypto provider on node:crypto (OpenSSL, AES-NI): the same bytes as the pure default in
 * core/gaen, several times faster, for the simulator, the service and the benchmark. HKDF is two
 * HMACs by hand (RFC 5869 §2.2–2.3, one Expand block) because `hkdfSync` costs more per call than
 * the hashing itself; the 144 PaddedData blocks of a key go through one ECB `update`.
 */
import { createCipheriv, createHmac } from 'node:crypto'
import type { GaenCrypto } from '../core/gaen/index.ts'

const ZERO_SALT = new Uint8Array(32)
const ONE = new Uint8Array([1])

export const nodeGaenCrypto: GaenCrypto = {
  hkdf(ikm, info, length) {
    if (length > 32) throw new RangeError('one HKDF-Expand block (32 bytes) at most')
    const prk = createHmac('sha256', ZERO_SALT).update(ikm).digest()
    const t = createHmac('sha256', prk).update(info).update(ONE).digest()
    return new Uint8Array(t.buffer, t.byteOffset, length)
  },
  aes128EcbEncrypt(key, blocks) {
    if (blocks.length % 16 !== 0) throw new RangeError('AES-ECB input is whole 16-byte blocks')
    const out = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false).update(blocks)
    return new Uint8Array(out.buffer, out.byteOffset, out.length)
  },
}
