/**
 * The privacy notes the surveillance API returns with each answer, in English, each under a
 * stable name: the service sends the text (readable in any client), the dashboard finds the name
 * by the text and says it in the page's language, so no note stays English on a Spanish page.
 */
export const PRIVACY_NOTES = {
  perPeriod:
    'Each period is suppressed as one table with its margins; across periods and queries, differential privacy is the protection.',
  cumulative:
    'Coverage counts are cumulative: people with a complete series up to the end of each period.',
  noisy: 'Counts are noisy; totals are the sums of the noisy cells.',
  map: 'The map is one table: the places and their total over the whole range, suppressed together.',
  rates:
    'Rates are per 100,000 people over the whole range, from the population table; a suppressed count has no rate.',
  view: "The view's charts share one ε, split between them and charged once (sequential composition).",
  released:
    'Released earlier for the same view (on the same data, or in the last 15 minutes): the same noisy figures, nothing charged.',
} as const

export type PrivacyNote = keyof typeof PRIVACY_NOTES

const BY_TEXT = new Map(Object.entries(PRIVACY_NOTES).map(([k, v]) => [v as string, k]))

/** The name of a note the API sent, or undefined for one this client does not know. */
export function privacyNoteName(text: string): PrivacyNote | undefined {
  return BY_TEXT.get(text) as PrivacyNote | undefined
}
