/**
 * Rendering a Verdict: the word, an icon and a colour together (never colour alone), the
 * holder's minimal data for a card whose signature verified, every check on demand with the time
 * of its data, and how old the trust data is. Text only (textContent): card data is never HTML.
 */
import type { CredentialSummary } from '../../../src/core/fhir/index.ts'
import {
  type Check,
  type DccListInfo,
  type PlainVerdict,
  plainVerdict,
  type ScanProgress,
  type Verdict,
  type VerdictKind,
} from '../../../src/core/verify/index.ts'
import { byId, el } from '../dom.ts'
import {
  formatAge,
  formatDate,
  formatFhirDate,
  formatTime,
  hasMessage,
  type MessageKey,
  t,
} from '../i18n/index.ts'
import { localisedDccPlain, renderDccRuleOutcome } from './dcc-rules.ts'
import { renderDccHolder } from './dcc-view.ts'
import { renderRuleOutcome } from './rules.ts'
import { renderSummary } from './summary.ts'

const ICON: Record<VerdictKind, string> = {
  valid: '✓',
  'not-valid': '✗',
  'cannot-confirm': '?',
  'could-not-read': '↻',
}
const RESULT_ICON = { pass: '✓', fail: '✗', unknown: '?', skipped: '–' } as const

/** The localised sentence for a check's code, with its details filled in. */
export function reasonText(check: Check): string {
  const key = `code.${check.code}`
  const detail = check.detail ?? {}
  const params: Record<string, string> = { ...detail }
  if (detail.exp !== undefined) params.exp = formatDate(Number(detail.exp))
  if (hasMessage(key)) return t(key as MessageKey, params)
  return t('code.other', { message: check.message, code: check.code })
}

function asOfText(check: Check): string | undefined {
  if (check.asOf === undefined || check.result === 'skipped') return undefined
  return t(`asof.${check.id}` as MessageKey, { time: formatTime(check.asOf) })
}

function checkItem(check: Check): HTMLLIElement {
  const asOf = asOfText(check)
  return el(
    'li',
    { 'data-check': check.id, 'data-result': check.result, 'data-code': check.code },
    el('span', { class: 'check-icon', 'aria-hidden': 'true' }, RESULT_ICON[check.result]),
    el(
      'span',
      { class: 'check-body' },
      el('strong', {}, t(`check.${check.id}` as MessageKey)),
      ': ',
      el('span', { class: 'check-result' }, t(`result.${check.result}` as MessageKey)),
      '. ',
      reasonText(check),
      asOf === undefined ? undefined : el('span', { class: 'check-asof' }, ` (${asOf})`),
    ),
  )
}

export function entryItem(entry: CredentialSummary['entries'][number]): HTMLLIElement {
  if (entry.kind === 'immunization') {
    const text = t('entry.immunization', {
      display: entry.display,
      date: formatFhirDate(entry.date),
    })
    return el(
      'li',
      {},
      entry.lot === undefined ? text : `${text} (${t('entry.lot', { lot: entry.lot })})`,
    )
  }
  return el(
    'li',
    {},
    t('entry.test', {
      display: entry.display,
      result: entry.resultDisplay,
      date: formatFhirDate(entry.date),
    }),
  )
}

export interface ShownVerdict {
  readonly verdict: Verdict
  readonly ms: number
  readonly offline: boolean
  readonly maxAge: number
  /** Parts of a chunked QR set scanned so far, when some are missing. */
  readonly progress?: ScanProgress
  /** For an EU DCC: the trust list its signer came from. */
  readonly dccList?: DccListInfo
}

/** The plain sentence of a verdict (a partial scan without its count reads as damaged). */
export function plainText(plain: PlainVerdict): string {
  if (plain.key === 'partial' && plain.params.scanned === undefined) return t('plain.damaged')
  return t(`plain.${plain.key}` as MessageKey, plain.params)
}

export function renderVerdict(shown: ShownVerdict): PlainVerdict {
  const { verdict, ms } = shown
  // An EU certificate's country by name and its failed rule in the page's language.
  const plain = localisedDccPlain(verdict, plainVerdict(verdict, shown.progress))
  const box = byId('verdict')
  box.dataset.status = verdict.status
  box.dataset.kind = plain.kind
  box.dataset.ms = ms.toFixed(2)
  byId('verdict-icon').textContent = ICON[plain.kind]
  byId('verdict-heading').textContent = t(`kind.${plain.kind}` as MessageKey)
  const reason = byId('verdict-reason')
  reason.textContent = plainText(plain)
  reason.dataset.code = verdict.reason?.code ?? ''
  reason.dataset.key = plain.key
  byId('verdict-lede').textContent = t(`kind.${plain.kind}.lede` as MessageKey)
  // The code and the verifier's own words, one tap away for support staff.
  const support = byId<HTMLDetailsElement>('support')
  support.hidden = verdict.reason === undefined
  support.open = false
  byId('support-code').textContent = verdict.reason?.code ?? ''
  byId('support-message').textContent =
    verdict.reason === undefined ? '' : `${verdict.reason.id}: ${verdict.reason.message}`

  const holder = byId('holder')
  const summary = verdict.summary
  holder.hidden = summary === undefined
  if (summary !== undefined) {
    byId('holder-name').textContent = summary.name
    byId('holder-birth').textContent = formatFhirDate(summary.birthDate)
    byId('holder-entries').replaceChildren(...summary.entries.map(entryItem))
    byId('holder-issuer').textContent =
      verdict.card === undefined ? '' : `${verdict.card.issuerName} (${verdict.card.iss})`
  }
  // Entry rules and the richer card summary (rules.ts, summary.ts).
  renderSummary(verdict)
  renderDccHolder(verdict, shown.dccList)
  // An authentic card that fails the venue's rule must not read "Accept".
  if (renderRuleOutcome(verdict) === false) byId('verdict-lede').textContent = t('rules.lede.fails')
  renderDccRuleOutcome(verdict)
  byId('verdict-more').hidden = !verdict.warnings.includes('VERIFY_FILE_MORE_CARDS')
  byId('checks-list').replaceChildren(...verdict.checks.map(checkItem))
  byId('verdict-data').replaceChildren(...dataLines(shown))
  byId('result').hidden = false
  return plain
}

function dataLines(shown: ShownVerdict): (Node | string)[] {
  const { verdict, ms, offline, maxAge } = shown
  const lines: string[] = []
  if (offline) lines.push(t('data.offline'))
  if (verdict.dataAsOf !== undefined && verdict.dataAge !== undefined) {
    lines.push(
      t('data.asOf', { time: formatTime(verdict.dataAsOf), age: formatAge(verdict.dataAge) }),
    )
    if (verdict.dataAge > maxAge)
      lines.push(t('data.stale', { limit: t(`age.${maxAge}` as MessageKey) }))
  }
  lines.push(t('timing', { ms: Math.max(1, Math.round(ms)) }))
  return lines.flatMap((line, i) => (i === 0 ? [line] : [el('br'), line]))
}

/** Shows "Checking…" in the verdict box while a card is being verified. */
export function renderWorking(): void {
  const box = byId('verdict')
  box.dataset.status = 'working'
  box.dataset.kind = 'working'
  byId('verdict-icon').textContent = '…'
  byId('verdict-heading').textContent = t('verdict.working')
  byId('verdict-lede').textContent = ''
  byId('verdict-reason').textContent = ''
  byId('holder').hidden = true
  byId('support').hidden = true
  byId('result').hidden = false
}
