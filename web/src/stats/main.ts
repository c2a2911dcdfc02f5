/**
 * The public statistics page (/stats): no sign-in. Every figure comes from /api/public/stats,
 * already noised and suppressed by the service; the page says so plainly, draws each measure
 * with its table and CSV, and shows the ledger's own totals with a link to the log they can be
 * recounted from.
 */
import { renderPanel } from '../charts/panel.ts'
import { formatCount } from '../charts/table.ts'
import { byId, el, type State, setState } from '../dom.ts'
import { initI18n, type MessageKey, mountLanguageSwitch, onLangChange, t } from '../i18n/index.ts'
import { api, describe } from '../staff/api.ts'
import { toView } from './api.ts'
import { ledgerGrid, type PublicSeries, type PublicView, seriesGrid } from './view.ts'

initI18n()
mountLanguageSwitch(byId('lang-switch'))
const status = byId('status')
let view: PublicView | undefined
let said: [State, MessageKey, Record<string, string | number>] = ['busy', 'stats.loading', {}]

function say(state: State, key: MessageKey, params: Record<string, string | number> = {}): void {
  said = [state, key, params]
  setState(status, state, t(key, params))
}

const MEASURE_WORDS: Partial<Record<string, [MessageKey, MessageKey]>> = {
  positives: ['stats.m.positives', 'col.positives'],
  tests: ['stats.m.tests', 'col.tests'],
  doses: ['stats.m.doses', 'stats.col.doses'],
  complete: ['stats.m.complete', 'col.complete'],
  uploads: ['stats.m.uploads', 'col.uploads'],
}

function words(s: PublicSeries): { heading: string; column: string } {
  const known = MEASURE_WORDS[s.measure]
  return known === undefined
    ? { heading: s.measure, column: s.measure }
    : { heading: t(known[0]), column: t(known[1]) }
}

function render(): void {
  if (view === undefined) return
  const v = view
  byId('protection').replaceChildren(
    el('li', {}, t('stats.protect.noise')),
    el('li', {}, t('stats.protect.suppress', { threshold: v.series[0]?.privacy.threshold ?? 10 })),
    el('li', {}, t('stats.protect.once')),
  )
  byId('series').replaceChildren(
    ...v.series.map((s, i) => {
      const { heading, column } = words(s)
      const id = `series-${i}`
      const body = el('div', { id })
      const section = el(
        'section',
        { class: 'panel', 'aria-labelledby': `${id}-heading` },
        el('h2', { id: `${id}-heading` }, heading),
        body,
      )
      const from = s.periods[0] ?? ''
      const to = s.periods[s.periods.length - 1] ?? ''
      renderPanel(body, {
        grid: seriesGrid(s, t('stats.caption', { what: heading, from, to }), column),
        spec: { type: 'bar' },
        privacy: s.privacy,
        filename: `vigil-public-${s.measure}-${from}-${to}`,
      })
      return section
    }),
  )
  const l = v.ledger
  renderPanel(byId('ledger'), {
    grid: ledgerGrid(
      l,
      t('stats.ledgerCaption', {
        issued: formatCount(l.issued.reduce((a, b) => a + b, 0)),
        revoked: formatCount(l.revoked.reduce((a, b) => a + b, 0)),
        from: l.days[0] ?? '',
        to: l.days[l.days.length - 1] ?? '',
      }),
    ),
    spec: { type: 'bar' },
    filename: `vigil-ledger-${l.days[0] ?? ''}-${l.days[l.days.length - 1] ?? ''}`,
  })
}

onLangChange(() => {
  say(...said)
  render()
})

async function start(): Promise<void> {
  try {
    view = toView(await api<unknown>('GET', '/api/public/stats'))
  } catch (err) {
    say('bad', 'stats.failed', { error: describe(err) })
    return
  }
  byId('stats').hidden = false
  render()
  say('ok', 'stats.loaded')
}

void start()
