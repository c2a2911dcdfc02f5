/** Log-page DOM helpers on top of the shared ones (../dom.ts). */
import { el } from '../dom.ts'

export { byId, el, type State, setState } from '../dom.ts'

/** `2026-11-24 12:00 UTC` */
export function utcMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** A rough age in words: `just now`, `5 minutes ago`, `3 hours ago`, `2 days ago`. */
export function age(date: Date, now: Date = new Date()): string {
  const s = Math.round((now.getTime() - date.getTime()) / 1000)
  if (s < -60) return 'in the future (check your clock)'
  if (s < 60) return 'just now'
  const [n, unit] =
    s < 3600
      ? [Math.floor(s / 60), 'minute']
      : s < 86400
        ? [Math.floor(s / 3600), 'hour']
        : [Math.floor(s / 86400), 'day']
  return `${n} ${unit}${n === 1 ? '' : 's'} ago`
}

/** First 16 hex digits and an ellipsis; the full hash is in the title. */
export function shortHash(hex: string): HTMLElement {
  return el('code', { class: 'hash', title: hex }, `${hex.slice(0, 16)}…`)
}
