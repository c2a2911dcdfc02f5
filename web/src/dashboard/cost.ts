/**
 * The line beside Show that says, before it is pressed, what the view will cost and what is left
 * of the day's budget (POST /api/surveillance/view/cost spends nothing). Asked again whenever a
 * filter changes (after a short pause, the last answer winning) and after each Show. A view that
 * would not fit disables Show: the service would refuse it whole anyway.
 */
import type { ViewCost, ViewRequest } from '../../../src/core/stats/index.ts'
import { formatEpsilon as round } from '../charts/panel.ts'
import { byId, setState } from '../dom.ts'
import { t } from '../i18n/index.ts'
import { api, describe } from '../staff/api.ts'

let asked = 0
let timer: ReturnType<typeof setTimeout> | undefined
/** The last answer (or failure), kept so a language switch can say it again. */
let said: ViewCost | Error | undefined

function say(): void {
  const line = byId('view-cost')
  const show = byId<HTMLButtonElement>('show')
  if (said === undefined) {
    setState(line, 'busy', t('view.cost.checking'))
    return
  }
  if (said instanceof Error) {
    // The Show button stays usable: the view itself will say what is wrong, field by field.
    show.disabled = false
    setState(line, 'bad', t('view.cost.failed', { error: describe(said) }))
    return
  }
  const c = said
  const left = {
    remaining: round(c.budget.remaining),
    daily: round(c.budget.daily),
  }
  show.disabled = !c.fits
  line.dataset.charge = String(c.charge)
  if (c.mechanism === null) setState(line, 'info', t('view.cost.none', left))
  else if (c.released) setState(line, 'ok', t('view.cost.released', left))
  else if (!c.fits) setState(line, 'bad', t('view.cost.over', { charge: round(c.charge), ...left }))
  else
    setState(
      line,
      'info',
      t('view.cost.charge', {
        charge: round(c.charge),
        share: round(c.split[0]?.epsilon ?? 0),
        charts: c.split.length,
        ...left,
      }),
    )
}

/** Asks what `request` would cost now; only the latest question's answer is said. */
export async function refreshCost(request: ViewRequest): Promise<void> {
  const mine = ++asked
  if (timer !== undefined) clearTimeout(timer)
  said = undefined
  say()
  let answer: ViewCost | Error
  try {
    answer = await api<ViewCost>('POST', '/api/surveillance/view/cost', request)
  } catch (err) {
    answer = err instanceof Error ? err : new Error(String(err))
  }
  if (mine !== asked) return
  said = answer
  say()
}

/** The same, after a pause: typing a date or an ε asks once, not at every key. */
export function refreshCostSoon(request: () => ViewRequest): void {
  if (timer !== undefined) clearTimeout(timer)
  timer = setTimeout(() => void refreshCost(request()), 300)
}

/** Says the last answer again in the page's language. */
export function redrawCost(): void {
  say()
}
