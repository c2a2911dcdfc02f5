/**
 * @module services/ledger/read
 * Read-side queries: the k-anonymous prefix lookup, the checkpoint chain, recent entries.
 */
import { and, asc, desc, gte, lt, lte } from 'drizzle-orm'
import { toHex } from '../../core/codec/index.ts'
import { decodeEntry } from '../../core/leaf/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { logCheckpoints, logEntries } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'

/** At most 6 hex digits (24 bits): longer prefixes would single out one credential. */
export const MAX_PREFIX_HEX = 6
const MAX_LOOKUP_RESULTS = 10_000

/**
 * Every (leaf hash, index) whose leaf hash starts with `prefixHex`. The caller learns which bucket
 * its credential is in without telling the log which credential it holds.
 */
export async function lookupPrefix(ctx: Pick<ServiceContext, 'db'>, prefixHex: string) {
  if (!/^[0-9a-f]{1,6}$/.test(prefixHex)) {
    throw new ServiceError(
      'VALIDATION',
      `prefix must be 1 to ${MAX_PREFIX_HEX} lower-case hex digits`,
      {
        field: 'prefix',
      },
    )
  }
  // Range [lo, hi) over the 32-byte leaf hashes sharing the prefix (an odd digit pads with 0/f).
  const loHex = prefixHex.padEnd(64, '0')
  const hiValue = (BigInt(`0x${prefixHex}`) + 1n) << BigInt(4 * (64 - prefixHex.length))
  const lo = hexBytes(loHex)
  const conditions = [gte(logEntries.leafHash, lo)]
  if (hiValue < 1n << 256n)
    conditions.push(lt(logEntries.leafHash, hexBytes(hiValue.toString(16).padStart(64, '0'))))
  const rows = await ctx.db
    .select({ idx: logEntries.idx, leafHash: logEntries.leafHash })
    .from(logEntries)
    .where(and(...conditions))
    .orderBy(asc(logEntries.idx))
    .limit(MAX_LOOKUP_RESULTS + 1)
  if (rows.length > MAX_LOOKUP_RESULTS) {
    throw new ServiceError('VALIDATION', 'the prefix matches too many entries: use a longer one', {
      field: 'prefix',
    })
  }
  return rows.map((r) => ({ leafHash: toHex(r.leafHash), index: r.idx }))
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** The checkpoint chain, newest first, `limit` at a time below `before` (a tree size). */
export async function listCheckpoints(
  ctx: Pick<ServiceContext, 'db'>,
  options: { before?: bigint | undefined; limit: number },
) {
  const rows = await ctx.db
    .select()
    .from(logCheckpoints)
    .where(options.before === undefined ? undefined : lt(logCheckpoints.size, options.before))
    .orderBy(desc(logCheckpoints.size))
    .limit(options.limit)
  return rows
}

/** Integrated entries with indices in [start, start+limit), decoded (kinds and hashes only). */
export async function listEntries(
  ctx: Pick<ServiceContext, 'db'>,
  options: { start: bigint; limit: number },
) {
  const rows = await ctx.db
    .select()
    .from(logEntries)
    .where(
      and(
        gte(logEntries.idx, options.start),
        lte(logEntries.idx, options.start + BigInt(options.limit) - 1n),
      ),
    )
    .orderBy(asc(logEntries.idx))
  return rows.map((r) => {
    const e = decodeEntry(r.entry)
    return {
      index: r.idx,
      leafHash: toHex(r.leafHash),
      kind: e.kind,
      artefactHash: toHex(e.artefactHash),
      keyId: e.keyId,
      time: new Date(e.time * 1000).toISOString(),
    }
  })
}
