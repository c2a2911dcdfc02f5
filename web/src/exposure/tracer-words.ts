/** Words the tracer's page shares between its parts: statuses, test types, times, field errors. */
import type { CodeStatus } from '../../../src/core/api-types/index.ts'
import { formatTime, hasMessage, t } from '../i18n/index.ts'
import { ApiError, api } from '../staff/api.ts'
import { type State, setState } from '../staff/dom.ts'

export function statusWord(status: CodeStatus): string {
  return t(`tracer.st.${status}`)
}

export function testTypeWord(type: string): string {
  const key = `tracer.tt.${type}`
  return hasMessage(key) ? t(key) : type
}

export function at(iso: string): string {
  return formatTime(Date.parse(iso) / 1000)
}

/** A refusal with the field at fault: the staff pages' ApiError carries problem+json `field`. */
export { ApiError as FieldError }

/** POST JSON to the API through the staff pages' client (keeps the `field` of a refusal). */
export const postJson = <T>(path: string, body: unknown): Promise<T> => api<T>('POST', path, body)

/** What each status line or field error says, as a function so a language switch says it again. */
const said = new Map<HTMLElement, () => void>()

/** Sets a status line from words that are re-read in the new language on a switch. */
export function say(node: HTMLElement, state: State, text: () => string): void {
  const draw = () => setState(node, state, text())
  said.set(node, draw)
  draw()
}

/** Says everything again in the page's (new) language. */
export function sayAgain(): void {
  for (const draw of said.values()) draw()
}

/** Shows (or, with undefined, clears) the error under a field and marks the field invalid. */
export function fieldError(input: HTMLElement, errorNode: HTMLElement, text?: () => string): void {
  const draw = () => {
    errorNode.textContent = text?.() ?? ''
  }
  said.set(errorNode, draw)
  draw()
  errorNode.hidden = text === undefined
  if (text === undefined) input.removeAttribute('aria-invalid')
  else input.setAttribute('aria-invalid', 'true')
}
