/**
 * A privacy note from the API in the page's language: the service sends each note's English
 * text (core/stats/notes.ts); a known note is said from the i18n keys, an unknown one as sent.
 */
import { privacyNoteName } from '../../../src/core/stats/index.ts'
import { t } from '../i18n/index.ts'

export function noteText(note: string): string {
  const name = privacyNoteName(note)
  return name === undefined ? note : t(`privacy.note.${name}`)
}
