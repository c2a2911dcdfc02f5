/**
 * @module platform/node-crypto/gaen
 * The EN crypto provider for Node: AES-128-ECB through node:crypto (OpenSSL, AES-NI), all the
 * PaddedData blocks of a key in one `update`, about ten times the pure table AES. HKDF stays the
 * core's one-block implementation (core/gaen/hkdf): with 16-byte inputs the per-call cost of
 * `createHmac` or `hkdfSync` exceeds the hashing itself, and the measured rates were about
 * 60,000 (hkdfSync), 125,000 (two createHmac) and 300,000 keys/s (core) on one core.
 */
import { createCipheriv } from 'node:crypto'
import { type GaenCrypto, hkdfSha256NoSalt } from '../../core/gaen/index.ts'

export const nodeGaenCrypto: GaenCrypto = {
  hkdf: hkdfSha256NoSalt,
  aes128EcbEncrypt(key, blocks) {
    if (blocks.length % 16 !== 0) throw new RangeError('AES-ECB input is whole 16-byte blocks')
    const out = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false).update(blocks)
    return new Uint8Array(out.buffer, out.byteOffset, out.length)
  },
}
