/**
 * @module platform/node-crypto/dcc
 * EU DCC signatures through node:crypto's synchronous `verify` (core/dcc `DccSignatureVerify`),
 * for Node verifiers (server, CLI, bench): the same OpenSSL checks as WebCrypto without its
 * thread-pool round trip. Keys are imported once per signer object.
 */
import { constants, createPublicKey, type KeyObject, verify } from 'node:crypto'
import type { DccSignatureVerify, DccSigner } from '../../core/dcc/index.ts'

const keys = new WeakMap<DccSigner, KeyObject>()

export const nodeDccVerify: DccSignatureVerify = (signer, alg, data, signature) => {
  let key = keys.get(signer)
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.from(signer.spki), format: 'der', type: 'spki' })
    keys.set(signer, key)
  }
  // RFC 9053 §2.1: ES256 is the raw r‖s; RFC 8230 §2: PS256 uses a 32-byte salt.
  return alg === 'ES256'
    ? verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
    : verify(
        'sha256',
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
        signature,
      )
}
