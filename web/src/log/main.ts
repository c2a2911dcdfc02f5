/**
 * The log browser page (/log.html): the verified checkpoint, the recent entries, and a private
 * lookup that proves inclusion in the browser. Imports only src/core (docs/ARCHITECTURE.md).
 */
import { toBase64, toHex } from '../../../src/core/codec/index.ts'
import type { LogEntry } from '../../../src/core/leaf/index.ts'
import { describeError, type ListedEntry, listEntries, PageError } from './api.ts'
import { checkChainLink, loadVerifiedCheckpoint, type VerifiedLogCheckpoint } from './checkpoint.ts'
import { age, byId, el, setState, shortHash, utcMinute } from './dom.ts'
import {
  findArtefact,
  type InclusionResult,
  LOOKUP_PREFIX_HEX,
  type Located,
  locateLeaf,
  parseQuery,
  proveLeaf,
} from './lookup.ts'

const RECENT = 25

const ui = {
  cpStatus: byId('checkpoint-status'),
  cpFields: byId('checkpoint-fields'),
  cpNoteBox: byId('checkpoint-note-box'),
  cpNote: byId('checkpoint-note'),
  cpReload: byId<HTMLButtonElement>('checkpoint-reload'),
  form: byId<HTMLFormElement>('lookup-form'),
  input: byId<HTMLTextAreaElement>('lookup-input'),
  lookupStatus: byId('lookup-status'),
  lookupDetails: byId('lookup-details'),
  recentStatus: byId('recent-status'),
  recentBody: byId('recent-body'),
}

function failure(prefix: string, err: unknown): string {
  const { code, message } = describeError(err)
  return `${prefix} (code ${code}): ${message}.`
}

// ---- Checkpoint ---------------------------------------------------------------------------

let current: Promise<VerifiedLogCheckpoint> = refreshCheckpoint()

function refreshCheckpoint(): Promise<VerifiedLogCheckpoint> {
  setState(ui.cpStatus, 'busy', 'Fetching the checkpoint and verifying its signature…')
  const loading = loadVerifiedCheckpoint()
  loading.then(showCheckpoint, (err: unknown) => {
    ui.cpFields.hidden = true
    ui.cpNoteBox.hidden = true
    setState(ui.cpStatus, 'bad', failure('Not verified: the checkpoint failed its check', err))
    setState(ui.recentStatus, 'bad', 'Recent entries are not shown: the checkpoint did not verify.')
    ui.recentBody.replaceChildren()
  })
  return loading
}

function showCheckpoint(v: VerifiedLogCheckpoint): void {
  const { origin, size, root } = v.checkpoint
  setState(
    ui.cpStatus,
    'ok',
    `Signature verified: the log signed this checkpoint of size ${size}, checked in your browser.`,
  )
  byId('cp-origin').textContent = origin
  byId('cp-size').textContent = size.toString()
  byId('cp-root').textContent = toBase64(root)
  byId('cp-key').textContent = `${v.keyName} (key id ${v.keyId.toString(16).padStart(8, '0')})`
  const time = byId('cp-time')
  if (v.time === undefined) time.textContent = 'no time line in this checkpoint'
  else {
    const date = new Date(v.time * 1000)
    time.replaceChildren(
      el('time', { datetime: date.toISOString() }, utcMinute(date)),
      ` (${age(date)})`,
    )
  }
  const prev = byId('cp-prev')
  const chain = byId('cp-chain')
  if (v.prev === undefined) {
    prev.textContent = ''
    chain.textContent = 'none: this is the first checkpoint of the log.'
  } else {
    prev.textContent = toBase64(v.prev)
    chain.textContent = 'SHA-256 of the previous checkpoint; checking it…'
    checkChainLink(v).then(
      (link) => {
        chain.textContent = `✓ Chain link checked: it is the SHA-256 of the checkpoint of size ${link.size}, whose signature is valid.`
      },
      (err: unknown) => {
        chain.textContent = `✗ ${failure('Chain link not confirmed', err)}`
      },
    )
  }
  ui.cpNote.textContent = v.note
  ui.cpFields.hidden = false
  ui.cpNoteBox.hidden = false
  void showRecent(v)
}

ui.cpReload.addEventListener('click', () => {
  current = refreshCheckpoint()
})

// ---- Recent entries -----------------------------------------------------------------------

function hour(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : utcMinute(date).replace(' UTC', '')
}

function entryRow(e: ListedEntry): HTMLTableRowElement {
  const check = el(
    'button',
    { type: 'button', 'aria-label': `Check the inclusion of entry ${e.index}` },
    'Check',
  )
  check.addEventListener('click', () => {
    ui.input.value = e.leafHash
    ui.input.focus()
    void runLookup(e.leafHash)
  })
  return el(
    'tr',
    {},
    el('th', { scope: 'row' }, e.index),
    el('td', {}, e.kind),
    el('td', {}, shortHash(e.artefactHash)),
    el('td', {}, el('code', {}, e.keyId)),
    el('td', {}, hour(e.time)),
    el('td', {}, check),
  )
}

async function showRecent(v: VerifiedLogCheckpoint): Promise<void> {
  const size = v.checkpoint.size
  if (size === 0n) {
    setState(ui.recentStatus, 'info', 'The log is empty: it has no entries yet.')
    ui.recentBody.replaceChildren(el('tr', {}, el('td', { colspan: '6' }, 'No entries yet.')))
    return
  }
  setState(ui.recentStatus, 'busy', 'Loading the recent entries…')
  try {
    const start = size > BigInt(RECENT) ? size - BigInt(RECENT) : 0n
    const entries = (await listEntries(start, RECENT))
      .filter((e) => BigInt(e.index) < size)
      .reverse()
    ui.recentBody.replaceChildren(...entries.map(entryRow))
    setState(
      ui.recentStatus,
      'info',
      `Showing the ${entries.length} most recent of ${size} entries, newest first.`,
    )
  } catch (err) {
    setState(ui.recentStatus, 'bad', failure('The recent entries could not be loaded', err))
  }
}

// ---- Lookup -------------------------------------------------------------------------------

let run = 0

function field(term: string, ...value: (Node | string)[]): Node[] {
  return [el('dt', {}, term), el('dd', {}, ...value)]
}

function showInclusion(
  leafHex: string,
  located: Located,
  result: InclusionResult,
  v: VerifiedLogCheckpoint,
): void {
  setState(
    ui.lookupStatus,
    'ok',
    `Included at index ${result.index}, verified against the checkpoint of size ${result.size}.`,
  )
  const rows: Node[] = [
    ...field('Leaf hash', el('code', { class: 'hash' }, leafHex)),
    ...field('Index', result.index.toString()),
    ...field(
      'Checkpoint',
      `size ${result.size}, root `,
      el('code', { class: 'hash' }, toBase64(v.checkpoint.root)),
    ),
    ...field(
      'Lookup',
      `the page sent only the prefix “${located.prefix}”; ${located.bucketSize} leaf hash${located.bucketSize === 1 ? '' : 'es'} in the log share it.`,
    ),
  ]
  rows.push(...entryFields(result.entry, result.entryError))
  ui.lookupDetails.replaceChildren(
    el('dl', { class: 'fields' }, ...rows),
    el(
      'details',
      {},
      el('summary', {}, `Proof hashes (${result.proof.length})`),
      result.proof.length === 0
        ? el('p', {}, 'None: the tree has one leaf, so the leaf hash is the root.')
        : el(
            'ol',
            { class: 'proof' },
            ...result.proof.map((h) => el('li', {}, el('code', { class: 'hash' }, toBase64(h)))),
          ),
    ),
    el(
      'details',
      {},
      el('summary', {}, `Tiles fetched (${result.tiles.length})`),
      el('ul', {}, ...result.tiles.map((t) => el('li', {}, el('code', {}, `/log/${t}`)))),
    ),
  )
}

function entryFields(
  entry: LogEntry | undefined,
  error: { code: string; message: string } | undefined,
): Node[] {
  if (entry === undefined) {
    return field('Entry', `✗ not read (code ${error?.code ?? 'UNKNOWN'}): ${error?.message ?? ''}`)
  }
  return [
    ...field('Kind', entry.kind),
    ...field('Artefact hash', el('code', { class: 'hash' }, toHex(entry.artefactHash))),
    ...field('Key id', el('code', {}, entry.keyId)),
    ...field('Hour', utcMinute(new Date(entry.time * 1000))),
  ]
}

/** The verified checkpoint, or a PageError saying why there is none. */
async function verifiedCheckpoint(): Promise<VerifiedLogCheckpoint> {
  try {
    return await current
  } catch (err) {
    const { code } = describeError(err)
    throw new PageError(
      'CHECKPOINT_UNVERIFIED',
      `there is no verified checkpoint to check against (the checkpoint failed with ${code})`,
    )
  }
}

async function runLookup(text: string): Promise<void> {
  const mine = ++run
  const stale = () => mine !== run
  ui.lookupDetails.replaceChildren()
  setState(ui.lookupStatus, 'busy', 'Looking up…')
  try {
    const query = await parseQuery(text)
    let v = await verifiedCheckpoint()
    let leafHex = query.hex
    let note = ''
    if (query.kind === 'artefact') {
      const found = await findArtefact(query.hex, v.checkpoint.size)
      if (stale()) return
      if (found.entry === undefined) {
        setState(
          ui.lookupStatus,
          'bad',
          `Not found: no entry among the ${found.searched} most recent has this credential's artefact hash (SHA-256 ${query.hex.slice(0, 16)}…). Older credentials can only be looked up by leaf hash.`,
        )
        return
      }
      leafHex = found.entry.leafHash.toLowerCase()
      note = `The credential's artefact hash is in entry ${found.entry.index}. `
    }
    let located = await locateLeaf(leafHex)
    if (stale()) return
    if (located === undefined && query.kind === 'leaf') {
      // Perhaps an artefact hash was pasted: look for it among the recent entries.
      const found = await findArtefact(query.hex, v.checkpoint.size)
      if (stale()) return
      if (found.entry !== undefined) {
        leafHex = found.entry.leafHash.toLowerCase()
        note = `This is the artefact hash of entry ${found.entry.index}, not a leaf hash. `
        located = await locateLeaf(leafHex)
      } else {
        setState(
          ui.lookupStatus,
          'bad',
          `Not found: no entry in the log has this leaf hash. The page asked only for the ${LOOKUP_PREFIX_HEX}-digit prefix “${query.hex.slice(0, LOOKUP_PREFIX_HEX)}” and none of the answers matched${found.searched === 0 ? '.' : `; it is not the artefact hash of any of the ${found.searched} most recent entries either.`}`,
        )
        return
      }
    }
    if (located === undefined) {
      throw new PageError('LOOKUP_INCONSISTENT', 'the log listed this entry but its lookup did not')
    }
    if (located.index >= v.checkpoint.size) {
      // Newer than the checkpoint shown: verify the newest one once, then prove against it.
      current = refreshCheckpoint()
      v = await verifiedCheckpoint()
      if (stale()) return
      if (located.index >= v.checkpoint.size) {
        setState(
          ui.lookupStatus,
          'info',
          `In the log at index ${located.index}, but not yet in a signed checkpoint (size ${v.checkpoint.size}). Try again in a moment.`,
        )
        return
      }
    }
    setState(ui.lookupStatus, 'busy', `${note}Building the inclusion proof from tiles…`)
    const result = await proveLeaf(leafHex, located.index, v)
    if (stale()) return
    showInclusion(leafHex, located, result, v)
    if (note !== '') ui.lookupStatus.textContent = `${ui.lookupStatus.textContent} ${note.trim()}`
  } catch (err) {
    if (stale()) return
    const input = describeError(err).code.startsWith('INPUT_')
    const prefix = input ? 'Cannot look this up' : 'Not verified: the lookup failed'
    setState(ui.lookupStatus, 'bad', failure(prefix, err))
  }
}

ui.form.addEventListener('submit', (event) => {
  event.preventDefault()
  void runLookup(ui.input.value)
})
