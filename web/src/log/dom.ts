/** Small DOM helpers: elements built with textContent only (log data is never parsed as HTML). */

type Child = Node | string | undefined
type Props = { [key: string]: string | undefined }

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(props)) {
    if (value !== undefined) node.setAttribute(name, value)
  }
  for (const child of children) if (child !== undefined) node.append(child)
  return node
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id)
  if (node === null) throw new Error(`the page has no #${id}`)
  return node as T
}

export type State = 'busy' | 'ok' | 'bad' | 'info'

/** The state is said in words (and a sign), the colour only repeats it. */
const SIGN: Record<State, string> = { busy: '', ok: '✓ ', bad: '✗ ', info: '' }

export function setState(node: HTMLElement, state: State, text: string): void {
  node.dataset.state = state
  node.textContent = `${SIGN[state]}${text}`
}

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
