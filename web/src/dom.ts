/** DOM helpers shared by the pages: elements built with textContent only (server data is never parsed as HTML). */

type Child = Node | string | undefined
export type Props = { [key: string]: string | undefined }

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

/** The state is said in words (and a sign); colour only repeats it. */
const SIGN: Record<State, string> = { busy: '', ok: '✓ ', bad: '✗ ', info: '' }

export function setState(node: HTMLElement, state: State, text: string): void {
  node.dataset.state = state
  node.textContent = text === '' ? '' : `${SIGN[state]}${text}`
}

/** Saves a blob as a file through a temporary link (no server round trip). */
export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
