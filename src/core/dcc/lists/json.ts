/**
 * @module core/dcc/lists/json
 * Parsing a list's bytes as JSON, refused with DCC_LIST_FORMAT (never a stray SyntaxError).
 */
import { DccListError } from '../errors.ts'

export function parseListJson(bytes: Uint8Array | string): unknown {
  try {
    const text =
      typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return JSON.parse(text)
  } catch {
    throw new DccListError('DCC_LIST_FORMAT', 'the list is not UTF-8 JSON', { field: 'document' })
  }
}

export function formatError(message: string, field = 'document'): DccListError {
  return new DccListError('DCC_LIST_FORMAT', message, { field })
}
