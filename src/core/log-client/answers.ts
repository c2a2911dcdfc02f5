/**
 * @module core/log-client/answers
 * The JSON answers of the log API, checked for shape before anyone reads them: the server is
 * untrusted, so a missing field or a number that is not a decimal string is BAD_RESPONSE here
 * rather than a TypeError somewhere downstream. Content (hashes, proofs) is verified elsewhere.
 */
import type {
  CheckpointsPage,
  CheckpointView,
  LogEntryView,
  LookupMatch,
} from '../api-types/index.ts'
import { fromBase64 } from '../codec/index.ts'
import { LogClientError } from './errors.ts'

/** A uint64 as a decimal string: indices and sizes exceed 2^53, so JSON carries them as text. */
const DECIMAL = /^(0|[1-9][0-9]{0,19})$/
const HEX_HASH = /^[0-9a-fA-F]{64}$/

type Fields = Record<string, unknown>

function bad(label: string, what: string): never {
  throw new LogClientError('BAD_RESPONSE', `${label} answered ${what}`)
}

function object(value: unknown, label: string, what: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad(label, what)
  return value as Fields
}

function array(value: unknown, label: string, what: string): unknown[] {
  if (!Array.isArray(value)) bad(label, what)
  return value
}

function string(o: Fields, key: string, label: string, pattern?: RegExp): string {
  const value = o[key]
  if (typeof value !== 'string' || (pattern !== undefined && !pattern.test(value)))
    bad(label, `a malformed ${key}`)
  return value
}

/** `{ entries: LogEntryView[] }` */
export function entriesOf(body: unknown, label: string): LogEntryView[] {
  const list = array(object(body, label, 'no object').entries, label, 'no entries')
  return list.map((item) => {
    const e = object(item, label, 'an entry that is no object')
    return {
      index: string(e, 'index', label, DECIMAL),
      leafHash: string(e, 'leafHash', label),
      kind: string(e, 'kind', label),
      artefactHash: string(e, 'artefactHash', label),
      keyId: string(e, 'keyId', label),
      time: string(e, 'time', label),
    }
  })
}

/** `{ matches: LookupMatch[] }` */
export function matchesOf(body: unknown, label: string): LookupMatch[] {
  const list = array(object(body, label, 'no object').matches, label, 'no matches')
  return list.map((item) => {
    const m = object(item, label, 'a match that is no object')
    return {
      leafHash: string(m, 'leafHash', label, HEX_HASH),
      index: string(m, 'index', label, DECIMAL),
    }
  })
}

/** `{ checkpoints: CheckpointView[], next? }` */
export function checkpointsOf(body: unknown, label: string): CheckpointsPage {
  const page = object(body, label, 'no object')
  const checkpoints = array(page.checkpoints, label, 'no checkpoints').map(
    (item): CheckpointView => {
      const c = object(item, label, 'a checkpoint that is no object')
      return {
        size: string(c, 'size', label, DECIMAL),
        note: string(c, 'note', label),
        hash: string(c, 'hash', label),
        createdAt: string(c, 'createdAt', label),
      }
    },
  )
  if (page.next === undefined) return { checkpoints }
  return { checkpoints, next: string(page, 'next', label, DECIMAL) }
}

/** `{ proof: string[] }` as hashes (their count and size are checked by the verifier). */
export function proofOf(body: unknown, label: string): Uint8Array[] {
  const list = array(object(body, label, 'no object').proof, label, 'no proof')
  return list.map((h) => {
    if (typeof h !== 'string') bad(label, 'a proof hash that is no string')
    try {
      return fromBase64(h)
    } catch {
      return bad(label, 'a proof hash that is not base64')
    }
  })
}
