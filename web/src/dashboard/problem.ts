/**
 * API errors on the alerts panel: said in the page's words by their stable `code` (the server's
 * detail is English), with the code and the server's message one tap away under "Details for
 * support" (a `<details>`, as the verifier page does), for whoever the person asks for help.
 */
import { byId, el } from '../dom.ts'
import { type MessageKey, t } from '../i18n/index.ts'
import { ApiError } from '../staff/api.ts'

const KNOWN = new Set([
  'VALIDATION',
  'RANGE_INVALID',
  'REGION_UNKNOWN',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NETWORK',
])

/** The error in plain words; `own` words a code where the action gives it another meaning. */
export function plain(err: unknown, own: Partial<Record<string, MessageKey>> = {}): string {
  if (err instanceof ApiError) {
    // A 503 is the service's outage (docs: never a 500), whatever its code: try again later.
    if (err.status === 503) return t('problem.busy')
    const mine = own[err.code]
    if (mine !== undefined) return t(mine)
    if (KNOWN.has(err.code)) return t(`problem.${err.code}` as MessageKey)
  }
  return t('problem.other')
}

/** Fills the `<details>` #id with the error's code and message, or hides it (no error). */
export function showSupport(id: string, err: unknown): void {
  const box = byId<HTMLDetailsElement>(id)
  box.hidden = err === undefined
  const fields = box.querySelector('dl') as HTMLDListElement
  if (err === undefined) {
    box.open = false
    fields.replaceChildren()
    return
  }
  const code = err instanceof ApiError ? err.code : err instanceof Error ? err.name : 'ERROR'
  const message =
    err instanceof ApiError && err.field !== undefined
      ? `${err.message} (${err.field})`
      : err instanceof Error
        ? err.message
        : String(err)
  fields.replaceChildren(
    el('dt', {}, t('alerts.code')),
    el('dd', {}, el('code', { 'data-code': code }, code)),
    el('dt', {}, t('alerts.message')),
    el('dd', {}, message),
  )
}
