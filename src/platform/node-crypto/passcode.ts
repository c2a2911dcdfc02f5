/**
 * @module platform/node-crypto/passcode
 * SMART Health Link passcodes at rest: scrypt (RFC 7914) through node:crypto, which runs it on
 * the thread pool (the event loop stays free while 200 guesses arrive at once) and exists in
 * workerd under nodejs_compat. N = 2^14, r = 8, p = 1 (16 MiB, tens of milliseconds): below
 * OWASP's 2^17 for account passwords on purpose, since a passcode is only ever guessed online
 * against a lifetime limit of wrong attempts, and what it guards (the files) stays ciphertext
 * under a key the server does not hold. Stored as `scrypt$N$r$p$salt$hash` (base64url), so the
 * cost can rise without a migration.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

const N = 2 ** 14
const R = 8
const P = 1
const KEY_BYTES = 32
const SALT_BYTES = 16
// scrypt needs 128·N·r bytes (16 MiB here) and a little more; room for a stored higher cost.
const MAX_MEM = 64 * 1024 * 1024

function derive(passcode: string, salt: Uint8Array, n: number, r: number, p: number) {
  return new Promise<Uint8Array>((resolve, reject) =>
    scrypt(
      passcode.normalize('NFC'),
      salt,
      KEY_BYTES,
      { N: n, r, p, maxmem: MAX_MEM },
      (err, key) => (err === null ? resolve(new Uint8Array(key)) : reject(err)),
    ),
  )
}

export async function hashPasscode(passcode: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const hash = await derive(passcode, salt, N, R, P)
  return [
    'scrypt',
    N,
    R,
    P,
    salt.toString('base64url'),
    Buffer.from(hash).toString('base64url'),
  ].join('$')
}

/** Constant-time comparison; a stored value of another shape never matches. */
export async function checkPasscode(passcode: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false
  const expected = Buffer.from(hash, 'base64url')
  const got = await derive(
    passcode,
    Buffer.from(salt, 'base64url'),
    Number(n),
    Number(r),
    Number(p),
  )
  return got.length === expected.length && timingSafeEqual(got, expected)
}
