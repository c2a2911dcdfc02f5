/**
 * The canonical text of one public release — a (measure, week) of the public statistics, drawn
 * once and never redrawn (docs/SURVEILLANCE.md, open data). Its SHA-256 is the artefact of a
 * `stats-release` ledger entry (key id `stats:<measure>:<week>`), so anyone holding the open-data
 * CSV can rebuild the text, hash it and find it in the log: a different set of noisy figures for
 * the same week cannot be released quietly.
 *
 *   vigil-stats-release/v1
 *   measure <measure>
 *   week <YYYY-MM-DD>
 *   epsilon <ε>
 *   threshold <suppression threshold>
 *   <region>,<value>        one line per region, sorted; '' region = national; '' value = suppressed
 */
export const STATS_RELEASE_FORMAT = 'vigil-stats-release/v1'

export interface StatsReleaseCells {
  readonly measure: string
  readonly week: string
  readonly epsilon: number
  readonly threshold: number
  readonly cells: readonly { readonly region: string; readonly value: number | null }[]
}

export function statsReleaseText(r: StatsReleaseCells): string {
  const rows = [...r.cells]
    .sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : 0))
    .map((c) => `${c.region},${c.value === null ? '' : String(c.value)}`)
  return [
    STATS_RELEASE_FORMAT,
    `measure ${r.measure}`,
    `week ${r.week}`,
    `epsilon ${r.epsilon}`,
    `threshold ${r.threshold}`,
    ...rows,
    '',
  ].join('\n')
}

/** The ledger key id of a public release. */
export const statsReleaseKeyId = (measure: string, week: string) => `stats:${measure}:${week}`
