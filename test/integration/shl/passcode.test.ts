/**
 * The IG's lifetime limit on wrong passcodes (§Manifest Request, Design Note "Monitoring remaining
 * attempts"), against parallel requests: 200 wrong guesses sent at once to a link that allows 10.
 * On Postgres the requests really race (a pool of connections, the thread pool hashing); exactly
 * 10 are counted, every other one is refused, and so is the right passcode afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ShlLinkView } from '../../../src/core/api-types/index.ts'
import { parseShlink } from '../../../src/core/shl/index.ts'
import { SHL_PASSCODE_ATTEMPTS } from '../../../src/services/shl/index.ts'
import { createTestApp, type TestApp } from '../../helpers/app.ts'
import { ENGINES, POSTGRES_SKIP_REASON } from '../../helpers/db.ts'
import { asHolder, holderWith, makeLink, manifestPath } from '../../helpers/shl.ts'

if (POSTGRES_SKIP_REASON) it.skip(POSTGRES_SKIP_REASON, () => {})

const GUESSES = 200
const RIGHT = '7391'

describe.each(ENGINES)('200 parallel wrong passcodes against a limit of 10 on %s', (engine) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(engine)
  })
  afterAll(() => t?.close())

  it('exactly 10 are counted, then every attempt is refused, the right passcode included; the holder sees them', async () => {
    expect(SHL_PASSCODE_ATTEMPTS).toBe(10)
    const h = await holderWith(t)
    const made = await makeLink(t, h, { passcode: RIGHT })
    const path = manifestPath(t, parseShlink(made.shlink).url)
    const attempt = (passcode: string) =>
      t.app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ recipient: 'guesser', passcode }),
      })
    const wrong = Array.from({ length: GUESSES }, (_, i) => String(1000 + i)).filter(
      (p) => p !== RIGHT,
    )
    const answers = await Promise.all(
      wrong.map(async (p) => {
        const res = await attempt(p)
        return {
          status: res.status,
          body: (await res.json()) as { code: string; remainingAttempts?: number },
        }
      }),
    )
    const counted = answers.filter((a) => a.status === 401)
    expect(counted).toHaveLength(SHL_PASSCODE_ATTEMPTS)
    // Each counted guess saw a different count: no two read the same value.
    expect(
      counted.map((a) => a.body.remainingAttempts).sort((a, b) => (a ?? 0) - (b ?? 0)),
    ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(counted.every((a) => a.body.code === 'SHL_PASSCODE_WRONG')).toBe(true)
    const refused = answers.filter((a) => a.status === 404)
    expect(refused).toHaveLength(wrong.length - SHL_PASSCODE_ATTEMPTS)
    expect(refused.every((a) => a.body.code === 'SHL_NOT_FOUND')).toBe(true)

    const right = await attempt(RIGHT)
    expect(right.status).toBe(404)

    const list = (await (await asHolder(t, h, 'GET', `/api/passport/${h.id}/links`)).json()) as {
      links: ShlLinkView[]
    }
    const link = list.links.find((l) => l.id === made.link.id)
    expect(link).toMatchObject({
      state: 'locked',
      attemptsLeft: 0,
      accessCount: SHL_PASSCODE_ATTEMPTS,
    })
    expect(
      link?.access.every((a) => a.outcome === 'passcode-wrong' && a.recipient === 'guesser'),
    ).toBe(true)
  })
})
