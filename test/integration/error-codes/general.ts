/**
 * Cases for the codes any service may use (src/platform/errors/errors.ts), the ledger's included.
 */

import { expect } from 'vitest'
import type { ServiceErrorCode } from '../../../src/platform/errors/index.ts'
import { createTestApp } from '../../helpers/app.ts'
import { immunization, longHistory } from '../../helpers/credentials.ts'
import { entry } from '../../helpers/ledger.ts'
import { call, enrolOptions, invite } from '../staff/helpers.ts'
import { type Case, freshClient, issueCard, workerAppOver, worldOf } from './world.ts'

const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000'

export const GENERAL_CASES = {
  NOT_FOUND: {
    field: 'id',
    provoke: (w) => call(w.t, 'GET', `/api/credentials/${UNKNOWN_UUID}`, undefined, w.auth.issuer),
  },
  CONFLICT: {
    field: 'id',
    async provoke(w) {
      const id = await issueCard(w)
      const revoke = () =>
        call(w.t, 'POST', `/api/credentials/${id}/revoke`, { reason: 'test' }, w.auth.issuer)
      expect((await revoke()).status).toBe(200)
      return revoke()
    },
  },
  FORBIDDEN: {
    provoke: (w) => call(w.t, 'GET', '/api/tokens', undefined, w.auth.tracer),
  },
  UNAUTHENTICATED: {
    provoke: (w) => call(w.t, 'GET', '/api/staff/me'),
  },
  VALIDATION: {
    field: 'first',
    provoke: (w) => call(w.t, 'GET', '/log/proof/consistency?first=1000000'),
  },
  RATE_LIMITED: {
    field: 'enrol-invitation',
    retryAfter: true,
    async provoke(w) {
      const { token } = await invite(w.t, ['tracer'])
      for (let i = 0; i < 10; i++)
        expect((await enrolOptions(w.t, token, { client: freshClient() })).status).toBe(200)
      return enrolOptions(w.t, token, { client: freshClient() })
    },
  },
  UNAVAILABLE: {
    field: 'PUBLIC_URL',
    async provoke(w) {
      // Verifiers trust only an https deployment (or http on localhost).
      const plain = await workerAppOver(w.t, { PUBLIC_URL: 'http://vigil.example.org' })
      return call(plain, 'GET', '/trust/material')
    },
  },
  GONE: {
    field: 'id',
    async provoke(w) {
      const id = await issueCard(w)
      const erase = await call(
        w.t,
        'DELETE',
        `/api/credentials/${id}/personal-data`,
        undefined,
        w.auth.issuer,
      )
      expect(erase.status).toBe(204)
      return call(w.t, 'GET', `/api/credentials/${id}/qr.svg`, undefined, w.auth.issuer)
    },
  },
  QR_TOO_LONG: {
    field: 'id',
    async provoke(w) {
      const res = await call(w.t, 'POST', '/api/credentials', longHistory(), w.auth.issuer)
      expect(res.status).toBe(201)
      const { id } = (await res.json()) as { id: string }
      return call(w.t, 'GET', `/api/credentials/${id}/qr.png`, undefined, w.auth.issuer)
    },
  },
  LEDGER_BUSY: {
    retryAfter: true,
    async provoke(w) {
      // One entry waits for integration, the bound is one: the next append is pushed back.
      const bounded = await createTestApp(w.t.database.kind, { VIGIL_LEDGER_MAX_PENDING: '1' })
      try {
        await bounded.ctx.ledger.queue(bounded.ctx.db, [entry(1)])
        const b = await worldOf(bounded)
        return await call(bounded, 'POST', '/api/credentials', immunization(), b.auth.issuer)
      } finally {
        await bounded.close()
      }
    },
  },
  LEDGER_UNAVAILABLE: {
    async provoke(w) {
      // A Worker never appends to the log: issuing there is refused.
      const worker = await workerAppOver(w.t)
      return call(worker, 'POST', '/api/credentials', immunization(), w.auth.issuer)
    },
  },
} satisfies Partial<Record<ServiceErrorCode, Case>>
