import { describe, expect, it } from 'vitest'
import {
  addSignatures,
  createSigner,
  createVerifier,
  formatNote,
  generateSignerKey,
  openNote,
  parseNote,
  signNote,
} from '../../../src/core/note/index.ts'
import { readVectorJson } from '../../helpers/vectors.ts'
import { expectCode, replaceOnce } from './fixtures.ts'

interface SignedNotes {
  verifiable: [
    { vkey: string; signed_note: string },
    { vkeys: [string, string]; text: string; signature_lines: string[]; signed_note: string },
  ]
  format_samples_unverifiable: [{ signed_note: string }, { checkpoint: string }, unknown]
}

const vectors = readVectorJson<SignedNotes>('tlog/signed-notes.json')
const [c2sp, go] = vectors.verifiable
const [quasimodo, sofa] = vectors.format_samples_unverifiable

describe('signed notes: published vectors', () => {
  it('C2SP signed-note.md example verifies under example.com/foo+530d903a', async () => {
    const opened = await openNote(c2sp.signed_note, [await createVerifier(c2sp.vkey)])
    expect(opened.text).toBe('This is an example message.\n')
    expect(opened.verified).toHaveLength(1)
    expect(opened.verified[0]).toMatchObject({ name: 'example.com/foo', keyId: 0x530d903a })
    expect(opened.unverified).toHaveLength(0)
  })

  it('golang/mod sumdb/note: PeterNeumann + EnochRoot both verify', async () => {
    const verifiers = await Promise.all(go.vkeys.map((k) => createVerifier(k)))
    const opened = await openNote(go.signed_note, verifiers)
    expect(opened.text).toBe(go.text)
    expect(opened.verified.map((s) => s.name)).toEqual(['PeterNeumann', 'EnochRoot'])
  })

  it('golang/mod sumdb/note: one known key suffices, the other is left unverified', async () => {
    const opened = await openNote(go.signed_note, [await createVerifier(go.vkeys[1])])
    expect(opened.verified.map((s) => s.name)).toEqual(['EnochRoot'])
    expect(opened.unverified.map((s) => s.name)).toEqual(['PeterNeumann'])
  })

  it('C2SP signed-note.md quasimodo sample: the text keeps its inner blank line', async () => {
    const note = parseNote(quasimodo.signed_note)
    expect(note.text.endsWith('\n\ned è subito sera.\n')).toBe(true)
    expect(note.signatures[0]?.name).toBe('quasimodo.example/salvatore')
    expect(formatNote(note)).toBe(quasimodo.signed_note)
  })

  it('C2SP tlog-checkpoint.md sample and the Go note re-format byte for byte', async () => {
    expect(formatNote(parseNote(sofa.checkpoint))).toBe(sofa.checkpoint)
    expect(formatNote(parseNote(go.signed_note))).toBe(go.signed_note)
  })
})

describe('signed notes: sign and open round trip', () => {
  it('signs with two keys, verifies, and adds a third signature', async () => {
    const [a, b, c] = await Promise.all(
      ['a.example', 'b.example', 'c.example'].map((n) =>
        generateSignerKey(n, (n) => crypto.getRandomValues(new Uint8Array(n))),
      ),
    )
    if (!a || !b || !c) throw new Error('keys')
    const text = 'hello\n\nworld\n'
    const note = await signNote(text, [await createSigner(a), await createSigner(b)])
    const more = await addSignatures(note, [await createSigner(c)])
    const verifiers = await Promise.all([a, b, c].map((k) => createVerifier(k.vkey)))
    const opened = await openNote(more, verifiers)
    expect(opened.text).toBe(text)
    expect(opened.verified.map((s) => s.name)).toEqual(['a.example', 'b.example', 'c.example'])
    await expectCode(addSignatures(more, [await createSigner(c)]), 'NOTE_DUPLICATE_SIGNATURE')
  })

  it('refuses to sign text without a final newline or with control characters', async () => {
    const signer = await createSigner(
      await generateSignerKey('a.example', (n) => crypto.getRandomValues(new Uint8Array(n))),
    )
    await expectCode(signNote('no newline', [signer]), 'NOTE_MALFORMED')
    await expectCode(signNote('tab\there\n', [signer]), 'NOTE_MALFORMED')
  })

  it('accepts 16 signatures and refuses more than 100 lines', async () => {
    const keys = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        generateSignerKey(`k${i}.example`, (n) => crypto.getRandomValues(new Uint8Array(n))),
      ),
    )
    const signers = await Promise.all(keys.map((k) => createSigner(k)))
    const note = await signNote('sixteen\n', signers)
    const opened = await openNote(note, await Promise.all(keys.map((k) => createVerifier(k.vkey))))
    expect(opened.verified).toHaveLength(16)
    const line = note.split('\n\n')[1]?.split('\n')[0] ?? ''
    const tooMany = `sixteen\n\n${`${line}\n`.repeat(101)}`
    await expectCode(() => parseNote(tooMany), 'NOTE_TOO_MANY_SIGNATURES')
  })
})

describe('signed notes: negative cases', () => {
  const note = c2sp.signed_note
  const b64 =
    'Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM='
  const open = async (text: string) => openNote(text, [await createVerifier(c2sp.vkey)])

  it('a flipped signature byte → NOTE_BAD_SIGNATURE', async () => {
    await expectCode(open(replaceOnce(note, 'Tnagv1', 'Tnagv2')), 'NOTE_BAD_SIGNATURE')
  })
  it('an altered text → NOTE_BAD_SIGNATURE', async () => {
    await expectCode(
      open(replaceOnce(note, 'example message', 'example massage')),
      'NOTE_BAD_SIGNATURE',
    )
  })
  it('a different key ID (unknown key only) → NOTE_UNKNOWN_KEY', async () => {
    await expectCode(open(replaceOnce(note, ' Uw2QOk', ' Uw2ROk')), 'NOTE_UNKNOWN_KEY')
  })
  it('a different key name (unknown key only) → NOTE_UNKNOWN_KEY', async () => {
    await expectCode(
      open(replaceOnce(note, '— example.com/foo', '— example.com/fo0')),
      'NOTE_UNKNOWN_KEY',
    )
  })
  it('the same known signature twice → NOTE_DUPLICATE_SIGNATURE', async () => {
    await expectCode(open(`${note}— example.com/foo ${b64}\n`), 'NOTE_DUPLICATE_SIGNATURE')
  })
  it('two verifiers with one (name, key ID) → NOTE_VERIFIER_CONFLICT', async () => {
    const v = await createVerifier(c2sp.vkey)
    await expectCode(openNote(note, [v, v]), 'NOTE_VERIFIER_CONFLICT')
  })
  it('a missing blank line → NOTE_MALFORMED', async () => {
    await expectCode(() => parseNote(replaceOnce(note, '\n\n', '\n')), 'NOTE_MALFORMED')
  })
  it('a hyphen or en dash instead of the em dash → NOTE_MALFORMED', async () => {
    await expectCode(() => parseNote(replaceOnce(note, '—', '-')), 'NOTE_MALFORMED')
    await expectCode(() => parseNote(replaceOnce(note, '—', '\u2013')), 'NOTE_MALFORMED')
  })
  it('no space after the em dash, or no space before the signature → NOTE_MALFORMED', async () => {
    await expectCode(() => parseNote(replaceOnce(note, '— ', '—')), 'NOTE_MALFORMED')
    await expectCode(() => parseNote(replaceOnce(note, 'foo Uw2', 'fooUw2')), 'NOTE_MALFORMED')
  })
  it('non-canonical base64, or a signature of 4 bytes → NOTE_MALFORMED', async () => {
    await expectCode(() => parseNote(replaceOnce(note, 'yaQM=', 'yaQN=')), 'NOTE_MALFORMED')
    await expectCode(() => parseNote(replaceOnce(note, b64, 'AAAAAA==')), 'NOTE_MALFORMED')
  })
  it('a missing final newline → NOTE_MALFORMED', async () => {
    await expectCode(() => parseNote(note.slice(0, -1)), 'NOTE_MALFORMED')
  })
  it('a blank line but no signature line → NOTE_NO_SIGNATURE', async () => {
    await expectCode(() => parseNote('This is an example message.\n\n'), 'NOTE_NO_SIGNATURE')
  })
  it('a control character or a lone surrogate → NOTE_MALFORMED', async () => {
    await expectCode(
      () => parseNote(replaceOnce(note, 'example message', 'example\rmessage')),
      'NOTE_MALFORMED',
    )
    await expectCode(
      () => parseNote(replaceOnce(note, 'example message', 'example\ud800')),
      'NOTE_MALFORMED',
    )
  })
  it('a note over 1 MiB → NOTE_TOO_LARGE', async () => {
    await expectCode(() => parseNote(`${'a'.repeat(1 << 20)}\n\n— a AAAAAAA=\n`), 'NOTE_TOO_LARGE')
  })
})
