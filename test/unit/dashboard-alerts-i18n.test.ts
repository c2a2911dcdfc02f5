/**
 * The alerts panel's words (issue 22): every `data-i18n` key on the dashboard page is a message,
 * so no English placeholder is left on the Spanish page, and every sentence of the panel has its
 * own Spanish (the method names and "p = …" are the same in both languages).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { en } from '../../web/src/i18n/en.ts'
import { es } from '../../web/src/i18n/es.ts'

const PAGE = readFileSync(new URL('../../web/dashboard.html', import.meta.url), 'utf8')
const SAME = /^(method\.|alerts\.pValue|alerts\.review\.by$)/

describe('the alerts panel in English and Spanish', () => {
  it('every key the page names is a message', () => {
    const keys = [...PAGE.matchAll(/data-i18n="([^"]+)"/g)].map((m) => m[1] as string)
    expect(keys).toContain('alerts.heading')
    expect(keys).toContain('excl.heading')
    expect(keys.filter((k) => !(k in en))).toEqual([])
  })

  it('each of the panel’s sentences is translated', () => {
    const panel = Object.keys(en).filter((k) => /^(alerts|excl|problem)\./.test(k))
    expect(panel.length).toBeGreaterThan(60)
    const untranslated = panel.filter(
      (k) => !SAME.test(k) && es[k as keyof typeof es] === en[k as keyof typeof en],
    )
    expect(untranslated).toEqual([])
  })

  it('the placeholders of each message are the same in both languages', () => {
    const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    const differ = Object.keys(en)
      .filter((k) => /^(alerts|excl|problem|method)\./.test(k))
      .filter(
        (k) =>
          JSON.stringify(holes(en[k as keyof typeof en])) !==
          JSON.stringify(holes(es[k as keyof typeof es])),
      )
    expect(differ).toEqual([])
  })
})
