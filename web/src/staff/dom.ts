/** Small DOM helpers: elements built with textContent only (server data is never parsed as HTML). */

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
const SIGN: Record<State, string> = { busy: '', ok: '✓ ', bad: '✗ ', info: '' }

/** The state is said in words (and a sign); colour only repeats it. */
export function setState(node: HTMLElement, state: State, text: string): void {
  node.dataset.state = state
  node.textContent = text === '' ? '' : `${SIGN[state]}${text}`
}

/** `2026-11-24 12:00 UTC`, or a dash. */
export function when(iso: string | null): string {
  return iso === null ? '—' : `${iso.slice(0, 16).replace('T', ' ')} UTC`
}

export function button(label: string, onClick: () => void, props: Props = {}): HTMLButtonElement {
  const b = el('button', { type: 'button', ...props }, label)
  b.addEventListener('click', onClick)
  return b
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
    ...boxes.map(({ role, input }) => el('label', {}, input, ` ${role}`)),
  )
  return { fieldset, read: () => boxes.filter((b) => b.input.checked).map((b) => b.role) }
}
