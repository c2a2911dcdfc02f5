/**
 * What the venue sees on a card whose signature verified: each dose with its product name (from
 * the CVX code), date and "dose n of m", each test with its type, result and the age of the
 * sample, and the issuer by name (the trusted issuer's, else the authority's directory). Text
 * only (textContent): card data is never HTML.
 */
import type { CredentialSummary } from '../../../src/core/fhir/index.ts'
import { collectedAt } from '../../../src/core/rules/index.ts'
import type { DirectoryEntry, Verdict } from '../../../src/core/verify/index.ts'
import { byId, el } from '../dom.ts'
import { formatAge, formatFhirDate, type MessageKey, t } from '../i18n/index.ts'

let directory: readonly DirectoryEntry[] = []

/** The authority's issuer names, from the verified trust material (main.ts sets them). */
export function setDirectory(entries: readonly DirectoryEntry[]): void {
  directory = entries
}

/** An issuer's display name from the directory (following canonical_iss), if it is listed. */
export function directoryName(iss: string): string | undefined {
  const entry = directory.find((e) => e.iss === iss)
  if (entry?.canonicalIss !== undefined) {
    return directory.find((e) => e.iss === entry.canonicalIss)?.name ?? entry.name
  }
  return entry?.name
}

function doseLine(entry: Extract<CredentialSummary['entries'][number], { kind: 'immunization' }>) {
  const n = entry.doseNumber
  const m = entry.seriesDoses
  const dose = m !== undefined && n <= m ? t('summary.doseOf', { n, m }) : t('summary.dose', { n })
  const lot = entry.lot === undefined ? '' : ` · ${t('entry.lot', { lot: entry.lot })}`
  return [
    el('strong', {}, entry.display),
    el('br'),
    `${formatFhirDate(entry.date)} · ${dose}${lot}`,
  ]
}

function testLine(
  entry: Extract<CredentialSummary['entries'][number], { kind: 'test' }>,
  now: number,
) {
  const method =
    entry.method === undefined ? '' : ` (${t(`summary.method.${entry.method}` as MessageKey)})`
  const at = collectedAt(entry.collected)
  const age =
    at === undefined
      ? formatFhirDate(entry.date)
      : t('summary.sampleAge', { age: formatAge(now - at) })
  const outcome =
    entry.outcome === undefined
      ? entry.resultDisplay
      : t(`summary.outcome.${entry.outcome}` as MessageKey)
  return [el('strong', {}, `${entry.display}${method}`), el('br'), `${outcome} · ${age}`]
}

/** Fills the holder block's records and issuer for a verdict that carries a summary. */
export function renderSummary(verdict: Verdict): void {
  const summary = verdict.summary
  if (summary === undefined) return
  byId('holder-entries').replaceChildren(
    ...summary.entries.map((e) =>
      el(
        'li',
        { 'data-entry': e.kind },
        ...(e.kind === 'immunization' ? doseLine(e) : testLine(e, verdict.now)),
      ),
    ),
  )
  const card = verdict.card
  if (card !== undefined) {
    const name = directoryName(card.iss) ?? card.issuerName
    byId('holder-issuer').textContent = `${name} (${card.iss})`
  }
}
