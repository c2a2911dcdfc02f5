/** Console DOM helpers on top of the shared ones (../dom.ts). */
import { el, type Props } from '../dom.ts'

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
