/**
 * Every service error code, provoked through the real app on each engine: the answer has the
 * status of the one table (src/http/status.ts), is RFC 9457 problem+json with the code, names
 * the field at fault where the code carries one, and sends Retry-After (RFC 9110 §10.2.3) for
 * back-pressure. The cases (test/integration/error-codes/) are keyed by code and the tests are
 * driven from SERVICE_STATUS, so a code added without a case fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SERVICE_STATUS } from '../../src/http/status.ts'
import type { ServiceErrorCode } from '../../src/platform/errors/index.ts'
import { createTestApp } from '../helpers/app.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../helpers/db.ts'
import { EXPOSURE_CASES } from './error-codes/exposure.ts'
import { GENERAL_CASES } from './error-codes/general.ts'
import { SHARD_CASES } from './error-codes/shards.ts'
import { SHL_CASES } from './error-codes/shl.ts'
import { STAFF_CASES } from './error-codes/staff.ts'
import { SURVEILLANCE_CASES } from './error-codes/surveillance.ts'
import { type Case, type World, worldOf } from './error-codes/world.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const CASES: Record<ServiceErrorCode, Case> = {
  ...GENERAL_CASES,
  ...STAFF_CASES,
  ...EXPOSURE_CASES,
  ...SURVEILLANCE_CASES,
  ...SHL_CASES,
  ...SHARD_CASES,
}

const isCode = (code: string): code is ServiceErrorCode => code in SERVICE_STATUS

describe('the cases', () => {
  it('every code of the status table has a case, and every case a code', () => {
    expect(Object.keys(SERVICE_STATUS).filter((code) => !(code in CASES))).toEqual([])
    expect(Object.keys(CASES).filter((code) => !isCode(code))).toEqual([])
  })
})

describe.each(ENGINES)('every service error code through the API on %s', (engine) => {
  let w: World
  beforeAll(async () => {
    w = await worldOf(await createTestApp(engine))
  })
  afterAll(() => w?.t.close())

  for (const code of Object.keys(SERVICE_STATUS).filter(isCode)) {
    const c: Case | undefined = CASES[code]
    if (c === undefined) continue // reported by the test above
    it(code, async () => {
      const res = await c.provoke(w)
      const body = (await res.json()) as Record<string, unknown>
      expect({
        status: res.status,
        type: res.headers.get('content-type'),
        code: body.code,
        bodyStatus: body.status,
        field: body.field,
        retryAfter: res.headers.get('retry-after'),
      }).toEqual({
        status: SERVICE_STATUS[code],
        type: 'application/problem+json',
        code,
        bodyStatus: SERVICE_STATUS[code],
        field: c.field,
        retryAfter:
          c.retryAfter === undefined
            ? null
            : c.retryAfter === true
              ? expect.stringMatching(/^[1-9][0-9]*$/)
              : String(c.retryAfter),
      })
    })
  }
})
