/**
 * Helpers for SMART Health Link tests: a holder with credentials, their passport key, links made
 * through the citizen API, and a fetch that sends a receiver's requests to the app itself.
 */
import type { ShlCreated } from '../../src/core/api-types/index.ts'
import type { ShlFetch } from '../../src/core/shl/index.ts'
import { PASSPORT_KEY_HEADER, passportKey } from '../../src/services/trust/index.ts'
import type { TestApp } from './app.ts'
import { immunization, testResult, tokenFor } from './credentials.ts'

export interface Holder {
  /** The passport the links belong to (the first credential). */
  id: string
  key: string
  /** Every credential issued to the holder, in order. */
  credentials: string[]
  /** Name and birth date: a credential issued with them joins the holder's records. */
  patient: { givenNames: string[]; familyName: string; birthDate: string }
}

let people = 0

/** Issues `immunizations` vaccination cards and `tests` test results to one new person. */
export async function holderWith(
  t: TestApp,
  { immunizations = 1, tests = 0 }: { immunizations?: number; tests?: number } = {},
): Promise<Holder> {
  const token = await tokenFor(t, ['issuer'])
  const patient = {
    givenNames: ['Ana', `Holder${++people}`],
    familyName: 'Ruiz',
    birthDate: '1990-02-03',
  }
  const ids: string[] = []
  const bodies = [
    ...Array.from({ length: immunizations }, (_, i) =>
      immunization({
        patient,
        immunizations: [{ code: '208', date: `2021-0${(i % 9) + 1}-01`, lotNumber: `LOT${i}` }],
      }),
    ),
    ...Array.from({ length: tests }, (_, i) =>
      testResult({
        patient,
        test: { code: '94558-4', date: `2026-11-${10 + i}`, result: '260415000' },
      }),
    ),
  ]
  for (const body of bodies) ids.push(await issue(t, body, token))
  const id = ids[0] as string
  return { id, key: await passportKey(t.ctx, id), credentials: ids, patient }
}

/** Issues one credential (an issuing request body); its id. */
export async function issue(t: TestApp, body: unknown, token?: string): Promise<string> {
  const res = await t.app.request('/api/credentials', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token ?? (await tokenFor(t, ['issuer']))}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  })
  if (res.status !== 201) throw new Error(`issuing answered ${res.status}: ${await res.text()}`)
  return ((await res.json()) as { id: string }).id
}

/** A request of the passport page (the holder's key in its header). */
export function asHolder(t: TestApp, h: Holder, method: string, path: string, body?: unknown) {
  return t.app.request(path, {
    method,
    headers: {
      [PASSPORT_KEY_HEADER]: h.key,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
}

/** Makes a link through the citizen API; throws unless 201. */
export async function makeLink(
  t: TestApp,
  h: Holder,
  input: Record<string, unknown>,
): Promise<ShlCreated> {
  const res = await asHolder(t, h, 'POST', `/api/passport/${h.id}/links`, input)
  if (res.status !== 201)
    throw new Error(`making a link answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as ShlCreated
}

/** A receiver's fetch, answered by the app (absolute URLs of its public URL). */
export function appFetch(t: TestApp): ShlFetch {
  return async (url, init) => t.app.request(url.replace(t.ctx.config.publicUrl, ''), init)
}

/** The manifest path of a link (from its shlink text). */
export function manifestPath(t: TestApp, url: string): string {
  return url.replace(t.ctx.config.publicUrl, '')
}
