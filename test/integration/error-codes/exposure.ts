/**
 * Cases for the exposure codes: verification codes, the device flow (code → token →
 * certificate → publish) and key upload, as google/exposure-notifications-verification-server
 * and the GAEN v1 publish API define them (docs/EXPOSURE.md).
 */

import { expect } from 'vitest'
import { toBase64, utf8 } from '../../../src/core/codec/index.ts'
import { dayStart, intervalNumber, tekmac } from '../../../src/core/gaen/index.ts'
import type { ServiceErrorCode } from '../../../src/platform/errors/index.ts'
import { call, later } from '../staff/helpers.ts'
import { type Case, freshClient, HOUR, MINUTE, type World } from './world.ts'

interface Tek {
  key: string
  rollingStartNumber: number
  rollingPeriod: number
  transmissionRisk: number
}

let tekSeed = 0
/** `days` daily keys (144 ten-minute intervals each), the first `startDaysAgo` days ago. */
function keysFor(w: World, days: number, startDaysAgo = 5): Tek[] {
  const today = dayStart(intervalNumber(w.t.ctx.clock.now().getTime() / 1000))
  return Array.from({ length: days }, (_, i) => ({
    key: toBase64(new Uint8Array(16).map((_, j) => (++tekSeed * 31 + j) & 0xff)),
    rollingStartNumber: today - startDaysAgo * 144 + i * 144,
    rollingPeriod: 144,
    transmissionRisk: 0,
  }))
}

/** A tracer's new verification code (short and long). */
async function issueCode(w: World): Promise<{ id: string; code: string }> {
  const res = await call(
    w.t,
    'POST',
    '/api/exposure/codes',
    { testType: 'confirmed' },
    w.auth.tracer,
  )
  if (res.status !== 201) throw new Error(`issuing a code answered ${res.status}`)
  return (await res.json()) as { id: string; code: string }
}

const verifyCode = (w: World, code: string, client = freshClient()) =>
  call(w.t, 'POST', '/api/exposure/verify', { code }, { client })

/** A fresh code redeemed: the device's one-time token. */
async function deviceToken(w: World): Promise<string> {
  const res = await verifyCode(w, (await issueCode(w)).code)
  if (res.status !== 200) throw new Error(`verifying a code answered ${res.status}`)
  return ((await res.json()) as { token: string }).token
}

const certificateFor = (w: World, token: string, ekeyhmac: string) =>
  call(w.t, 'POST', '/api/exposure/certificate', { token, ekeyhmac })

/** A verification certificate bound to `keys` under `hmacKey`. */
async function certify(w: World, keys: Tek[], hmacKey: Uint8Array): Promise<string> {
  const res = await certificateFor(w, await deviceToken(w), tekmac(hmacKey, keys))
  if (res.status !== 200) throw new Error(`the certificate answered ${res.status}`)
  return ((await res.json()) as { certificate: string }).certificate
}

const publish = (w: World, body: Record<string, unknown>) =>
  call(w.t, 'POST', '/api/exposure/publish', {
    healthAuthorityID: 'vigil',
    verificationPayload: 'x.y.z',
    hmacKey: toBase64(new Uint8Array(32)),
    temporaryExposureKeys: [],
    ...body,
  })

/** Certifies `keys` (under a fresh HMAC key) and publishes them, with `extra` in the body. */
async function certifyAndPublish(
  w: World,
  keys: Tek[],
  extra: Record<string, unknown> = {},
): Promise<Response> {
  const hmacKey = w.t.ctx.random(32)
  const verificationPayload = await certify(w, keys, hmacKey)
  return publish(w, {
    temporaryExposureKeys: keys,
    verificationPayload,
    hmacKey: toBase64(hmacKey),
    ...extra,
  })
}

export const EXPOSURE_CASES = {
  CODE_NOT_FOUND: {
    field: 'code',
    provoke: (w) => verifyCode(w, '10000000'),
  },
  CODE_USED: {
    field: 'code',
    async provoke(w) {
      const { code } = await issueCode(w)
      expect((await verifyCode(w, code)).status).toBe(200)
      return verifyCode(w, code)
    },
  },
  CODE_EXPIRED: {
    field: 'code',
    async provoke(w) {
      const { code } = await issueCode(w)
      return later(w.t, 16 * MINUTE, () => verifyCode(w, code))
    },
  },
  CODE_REVOKED: {
    field: 'code',
    async provoke(w) {
      const { id, code } = await issueCode(w)
      const revoked = await call(
        w.t,
        'POST',
        `/api/exposure/codes/${id}/revoke`,
        undefined,
        w.auth.tracer,
      )
      expect(revoked.status).toBeLessThan(300)
      return verifyCode(w, code)
    },
  },
  CODE_GUESSING_LOCKED: {
    field: 'code',
    retryAfter: true,
    async provoke(w) {
      const client = freshClient()
      for (let i = 0; i < 10; i++)
        expect((await verifyCode(w, String(20_000_000 + i), client)).status).toBe(400)
      return verifyCode(w, '20000010', client)
    },
  },
  TOKEN_INVALID: {
    field: 'token',
    provoke: (w) => certificateFor(w, 'no-such-token', toBase64(new Uint8Array(32))),
  },
  TOKEN_USED: {
    field: 'token',
    async provoke(w) {
      const token = await deviceToken(w)
      const mac = toBase64(new Uint8Array(32))
      expect((await certificateFor(w, token, mac)).status).toBe(200)
      return certificateFor(w, token, mac)
    },
  },
  TOKEN_EXPIRED: {
    field: 'token',
    async provoke(w) {
      const token = await deviceToken(w)
      const mac = toBase64(new Uint8Array(32))
      return later(w.t, 25 * HOUR, () => certificateFor(w, token, mac))
    },
  },
  HMAC_INVALID: {
    field: 'ekeyhmac',
    provoke: (w) => certificateFor(w, 'no-such-token', toBase64(new Uint8Array(3))),
  },
  HMAC_MISMATCH: {
    field: 'hmacKey',
    async provoke(w) {
      const keys = keysFor(w, 3)
      const verificationPayload = await certify(w, keys, w.t.ctx.random(32))
      const other = toBase64(w.t.ctx.random(32))
      return publish(w, { temporaryExposureKeys: keys, verificationPayload, hmacKey: other })
    },
  },
  CERTIFICATE_INVALID: {
    field: 'verificationPayload',
    provoke: (w) => publish(w, { temporaryExposureKeys: keysFor(w, 1) }),
  },
  HEALTH_AUTHORITY_UNKNOWN: {
    field: 'healthAuthorityID',
    provoke: (w) =>
      publish(w, { healthAuthorityID: 'elsewhere', temporaryExposureKeys: keysFor(w, 1) }),
  },
  NO_KEYS: {
    field: 'temporaryExposureKeys',
    provoke: (w) => publish(w, { temporaryExposureKeys: [] }),
  },
  TOO_MANY_KEYS: {
    field: 'temporaryExposureKeys',
    provoke: (w) => publish(w, { temporaryExposureKeys: keysFor(w, 31, 40) }),
  },
  KEY_INVALID: {
    field: 'symptomDate',
    provoke: (w) =>
      call(
        w.t,
        'POST',
        '/api/exposure/codes',
        { testType: 'confirmed', symptomDate: '2026-13-01' },
        w.auth.tracer,
      ),
  },
  KEY_IN_FUTURE: {
    field: 'temporaryExposureKeys',
    provoke: (w) => certifyAndPublish(w, keysFor(w, 2, -1)),
  },
  KEY_TOO_OLD: {
    field: 'temporaryExposureKeys',
    provoke: (w) => certifyAndPublish(w, keysFor(w, 2, 20)),
  },
  KEYS_OVERLAP: {
    field: 'temporaryExposureKeys',
    async provoke(w) {
      const [a, b] = keysFor(w, 2, 3)
      if (a === undefined || b === undefined) throw new Error('no keys')
      return certifyAndPublish(w, [a, { ...b, rollingStartNumber: a.rollingStartNumber + 10 }])
    },
  },
  REVISION_TOKEN_INVALID: {
    field: 'revisionToken',
    provoke: (w) =>
      certifyAndPublish(w, keysFor(w, 2), { revisionToken: toBase64(utf8('forged')) }),
  },
  BATCH_TOO_LARGE: {
    field: 'cases',
    provoke: (w) => call(w.t, 'POST', '/api/exposure/codes/batch', { cases: [] }, w.auth.tracer),
  },
} satisfies Partial<Record<ServiceErrorCode, Case>>
