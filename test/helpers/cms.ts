/**
 * CMS SignedData (RFC 5652) made by OpenSSL (`openssl cms -sign`), as the EU gateway's trust
 * anchor and a country's upload certificate make them: so the verifier in core/dcc/cms.ts is
 * checked against another implementation, not against an encoder written beside it. Detached
 * (the gateway's form) or embedded; `stream` writes BER with indefinite lengths, as the
 * gateway's BouncyCastle does.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { toBase64 } from '../../src/core/codec/index.ts'
import type { TestCert } from './x509.ts'

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Locally the CMS tests skip with one line when OpenSSL is missing; with CI=true it is a failure. */
export const OPENSSL_SKIP_REASON = hasOpenssl()
  ? undefined
  : 'cms: the openssl command is missing (apt-get install -y openssl)'

if (process.env.CI === 'true' && OPENSSL_SKIP_REASON) {
  throw new Error(`CI=true requires the CMS tests: ${OPENSSL_SKIP_REASON}`)
}

function pem(label: string, der: Uint8Array): string {
  const lines = toBase64(der).match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}

export interface CmsOptions {
  /** Carry the content inside the message (default: detached). */
  readonly embed?: boolean
  /** BER with indefinite lengths (`-stream`). */
  readonly stream?: boolean
  /** RSA only: RSASSA-PSS instead of PKCS#1 v1.5. */
  readonly pss?: boolean
}

/** A DER/BER CMS SignedData over `content` by `signer`'s certificate and key. */
export async function cmsSign(
  content: Uint8Array,
  signer: TestCert,
  o: CmsOptions = {},
): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cms-'))
  try {
    const key = new Uint8Array(await crypto.subtle.exportKey('pkcs8', signer.privateKey))
    writeFileSync(join(dir, 'key.pem'), pem('PRIVATE KEY', key))
    writeFileSync(join(dir, 'cert.pem'), pem('CERTIFICATE', signer.der))
    writeFileSync(join(dir, 'content.bin'), content)
    execFileSync(
      'openssl',
      [
        'cms',
        '-sign',
        '-binary',
        '-md',
        'sha256',
        '-in',
        join(dir, 'content.bin'),
        '-signer',
        join(dir, 'cert.pem'),
        '-inkey',
        join(dir, 'key.pem'),
        '-outform',
        'DER',
        '-out',
        join(dir, 'out.der'),
        ...(o.embed === true ? ['-nodetach'] : []),
        ...(o.stream === true ? ['-stream'] : []),
        ...(o.pss === true ? ['-keyopt', 'rsa_padding_mode:pss'] : []),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    )
    return new Uint8Array(readFileSync(join(dir, 'out.der')))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
