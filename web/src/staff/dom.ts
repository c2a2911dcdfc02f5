/** Console DOM helpers on top of the shared ones (../dom.ts). */
import { el, type Props, type State, setState } from '../dom.ts'
import { hasMessage, type MessageKey, onLangChange, t } from '../i18n/index.ts'

export { byId, el, type State, setState } from '../dom.ts'

/** `2026-11-24 12:00 UTC`, or a dash. */
export function when(iso: string | null): string {
  return iso === null ? '—' : `${iso.slice(0, 16).replace('T', ' ')} UTC`
}

export function button(label: string, onClick: () => void, props: Props = {}): HTMLButtonElement {
  const b = el('button', { type: 'button', ...props }, label)
  b.addEventListener('click', onClick)
  return b
}

/** A parameter of `say`: a value, or a function read again in the new language. */
export type Param = string | number | (() => string)

const spoken = new Map<HTMLElement, () => void>()
onLangChange(() => {
  for (const render of spoken.values()) render()
})

/**
 * A status line in the page language, said again in the other one when the person switches
 * (the words are remembered, not the text).
 */
export function say(
  node: HTMLElement,
  state: State,
  key: MessageKey,
  params: Record<string, Param> = {},
): void {
  const render = () =>
    setState(
      node,
      state,
      t(
        key,
        Object.fromEntries(
          Object.entries(params).map(([k, v]) => [k, typeof v === 'function' ? v() : v]),
        ),
      ),
    )
  spoken.set(node, render)
  render()
}

/** Empties a status line (and forgets its words). */
export function hush(node: HTMLElement): void {
  spoken.delete(node)
  setState(node, 'info', '')
}

/** A role's name in the page language (the server's names stay the values). */
export function roleName(role: string): string {
  const key = `role.${role}`
  return hasMessage(key) ? t(key) : role
}

/** Role checkboxes inside a fieldset, and a reader for the checked ones. */
export function roleBoxes(
  legend: string,
  roles: readonly string[],
  checked: readonly string[] = [],
): { fieldset: HTMLFieldSetElement; read: () => string[] } {
  const boxes = roles.map((role) => {
    const input = el('input', { type: 'checkbox', value: role })
    input.checked = checked.includes(role)
    return { role, input }
  })
  const fieldset = el(
    'fieldset',
    { class: 'roles' },
    el('legend', {}, legend),
    ...boxes.map(({ role, input }) => el('label', {}, input, ` ${roleName(role)}`)),
  )
  return { fieldset, read: () => boxes.filter((b) => b.input.checked).map((b) => b.role) }
}

/**
 * A table that scrolls sideways at 360 px must be reachable by keyboard (WCAG 2.1.1; axe
 * scrollable-region-focusable): each `.table-wrap` becomes a focusable region named by its
 * table's caption. Called again after a language change renames the captions.
 */
export function focusableTables(): void {
  for (const wrap of document.querySelectorAll<HTMLElement>('.table-wrap')) {
    wrap.tabIndex = 0
    wrap.setAttribute('role', 'region')
    wrap.setAttribute('aria-label', wrap.querySelector('caption')?.textContent ?? '')
  }
}

/** A suggested input value in the page language, until the person types their own. */
export function suggest(input: HTMLInputElement, key: MessageKey): void {
  let suggested = input.value
  const render = () => {
    if (input.value === suggested) input.value = suggested = t(key)
  }
  render()
  onLangChange(render)
}
