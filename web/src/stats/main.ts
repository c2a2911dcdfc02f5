/**
 * The public statistics page (/stats): no sign-in. Every figure comes from /api/public/stats,
 * already noised and suppressed by the service; the page says so plainly, draws each measure
 * with its table and CSV, and shows the ledger's own totals with a link to the log they can be
 * recounted from.
 */
import { renderPanel } from '../charts/panel.ts'
import { formatCount } from '../charts/table.ts'
import { byId, el, type State, setState } from '../dom.ts'
import {
  formatTime,
  initI18n,
  type MessageKey,
  mountLanguageSwitch,
  onLangChange,
  t,
} from '../i18n/index.ts'
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

/** A heading per measure (the service may add measures: they show by their code). */
const WORDS: Partial<Record<string, MessageKey>> = {
  positives: 'stats.m.positives',
  positivity: 'stats.m.positivity',
  tests: 'stats.m.tests',
  doses: 'stats.m.doses',
  complete: 'stats.m.complete',
  uploads: 'stats.m.uploads',
}
const ORDER = ['positives', 'positivity', 'tests', 'doses', 'complete', 'uploads']
const rank = (s: PublicSeries) => (ORDER.includes(s.measure) ? ORDER.indexOf(s.measure) : 99)

function protection(v: PublicView): HTMLElement[] {
  const p = v.privacy
  return [
    el('li', {}, t('stats.protect.noise', { epsilon: p.epsilonPerFigure })),
    el('li', {}, t('stats.protect.suppress', { threshold: p.threshold })),
    el(
      'li',
      {},
      t('stats.protect.hidden', {
        suppressed: formatCount(p.suppressedCells),
        complementary: formatCount(p.complementaryCells),
      }),
    ),
    el('li', {}, t('stats.protect.once')),
    el('li', {}, t('stats.generated', { time: formatTime(Date.parse(v.generatedAt) / 1000) })),
  ]
}

/** The figures published as open data (/api/public/data): the counts, not the derived rates. */
const OPEN_DATA = new Set(['positives', 'tests', 'doses', 'complete', 'uploads'])

/** Stable download links of one figure: its CSV, its description, both in a zip. */
function openDataLinks(measure: string, heading: string): HTMLElement {
  const base = `/api/public/data/${measure}`
  const link = (href: string, key: MessageKey) =>
    el('a', { href, 'aria-label': `${t(key)}: ${heading}` }, t(key))
  return el(
    'p',
    { class: 'open-data' },
    `${t('stats.download')} `,
    link(`${base}.csv`, 'stats.dl.csv'),
    ' · ',
    link(`${base}.json`, 'stats.dl.json'),
    ' · ',
    link(`${base}.zip`, 'stats.dl.zip'),
  )
}

function render(): void {
  if (view === undefined) return
  const v = view
  byId('protection').replaceChildren(...protection(v))
  const from = v.weeks[0] ?? ''
  const to = v.weeks[v.weeks.length - 1] ?? ''
  byId('series').replaceChildren(
    ...[...v.series]
      .sort((a, b) => rank(a) - rank(b))
      .map((s) => {
        const headingKey = WORDS[s.measure]
        const heading = headingKey === undefined ? s.measure : t(headingKey)
        const body = el('div', { id: `series-${s.measure}` })
        const section = el(
          'section',
          { class: 'panel', 'aria-labelledby': `series-${s.measure}-heading` },
          el('h2', { id: `series-${s.measure}-heading` }, heading),
          body,
        )
        if (OPEN_DATA.has(s.measure)) section.append(openDataLinks(s.measure, heading))
        renderPanel(body, {
          grid: seriesGrid(
            s,
            v.weeks,
            t('stats.caption', { what: heading, from, to }),
            t('stats.total'),
          ),
          spec: { type: s.kind === 'rate' ? 'line' : 'bar' },
          filename: `vigil-public-${s.measure}-${from}-${to}`,
        })
        return section
      }),
  )
  const l = v.ledger
  byId('ledger-total').textContent = t('stats.ledgerTotal', {
    issued: formatCount(v.ledgerTotal.issued),
    revoked: formatCount(v.ledgerTotal.revoked),
    entries: formatCount(v.entriesCounted),
  })
  const first = l.days[0] ?? ''
  const last = l.days[l.days.length - 1] ?? ''
  renderPanel(byId('ledger'), {
    grid: ledgerGrid(l, t('stats.ledgerCaption', { from: first, to: last })),
    spec: { type: 'bar' },
    filename: `vigil-ledger-${first}-${last}`,
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
