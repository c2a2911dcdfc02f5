/**
 * Page languages: English and Spanish, chosen from the browser's languages, switched by the
 * person (and remembered on this device). Static text carries `data-i18n="key"` (and
 * `data-i18n-attr="attr:key,…"`); scripts call `t(key, params)`. Dates and ages go through Intl.
 */
import { en, type MessageKey } from './en.ts'
import { es } from './es.ts'

export type Lang = 'en' | 'es'
export type { MessageKey }

const MESSAGES: Record<Lang, Record<MessageKey, string>> = { en, es }
export const LANGS: Record<Lang, string> = { en: 'English', es: 'Español' }
const STORAGE_KEY = 'vigil.lang'

let current: Lang = 'en'
const listeners: (() => void)[] = []

function stored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY)
  } catch {
    return null
  }
}

export function detectLang(): Lang {
  const saved = stored()
  if (saved === 'en' || saved === 'es') return saved
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0]
    if (base === 'en' || base === 'es') return base
  }
  return 'en'
}

export function lang(): Lang {
  return current
}

export function hasMessage(key: string): key is MessageKey {
  return key in en
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = MESSAGES[current][key] ?? en[key]
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  )
}

/** Fills `[data-i18n]` text and `[data-i18n-attr]` attributes under `root`. */
export function applyStatic(root: ParentNode = document): void {
  for (const node of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = node.dataset.i18n as string
    if (hasMessage(key)) node.textContent = t(key)
  }
  for (const node of root.querySelectorAll<HTMLElement>('[data-i18n-attr]')) {
    for (const pair of (node.dataset.i18nAttr as string).split(',')) {
      const [attr, key] = pair.split(':')
      if (attr !== undefined && key !== undefined && hasMessage(key))
        node.setAttribute(attr, t(key))
    }
  }
}

export function setLang(next: Lang): void {
  current = next
  document.documentElement.lang = next
  try {
    localStorage.setItem(STORAGE_KEY, next)
  } catch {}
  applyStatic()
  for (const listener of listeners) listener()
}

export function onLangChange(listener: () => void): void {
  listeners.push(listener)
}

/** A switch of buttons, each named in its own language, the current one pressed. */
export function mountLanguageSwitch(container: HTMLElement): void {
  const render = () => {
    container.replaceChildren(
      ...(Object.keys(LANGS) as Lang[]).map((code) => {
        const button = document.createElement('button')
        button.type = 'button'
        button.lang = code
        button.textContent = LANGS[code]
        button.setAttribute('aria-pressed', String(code === current))
        button.addEventListener('click', () => setLang(code))
        return button
      }),
    )
    container.setAttribute('aria-label', t('lang.label'))
  }
  render()
  onLangChange(render)
}

export function initI18n(): Lang {
  current = detectLang()
  document.documentElement.lang = current
  applyStatic()
  return current
}

/** `24 Nov 2026, 12:02` in the page language, local time. */
export function formatTime(seconds: number): string {
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(seconds * 1000),
  )
}

export function formatDate(seconds: number): string {
  return new Intl.DateTimeFormat(current, { dateStyle: 'long' }).format(new Date(seconds * 1000))
}

/** A FHIR date (YYYY, YYYY-MM or YYYY-MM-DD) as written, or in words when it is a full day. */
export function formatFhirDate(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return date
  return new Intl.DateTimeFormat(current, { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${date}T00:00:00Z`),
  )
}

/** `3 minutes ago`, `hace 3 minutos`. */
export function formatAge(seconds: number): string {
  const rtf = new Intl.RelativeTimeFormat(current, { numeric: 'auto' })
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return rtf.format(-s, 'second')
  if (s < 3600) return rtf.format(-Math.round(s / 60), 'minute')
  if (s < 86_400) return rtf.format(-Math.round(s / 3600), 'hour')
  return rtf.format(-Math.round(s / 86_400), 'day')
}
