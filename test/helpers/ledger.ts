/** Ledger test helpers: entries, the log's verifier key, a policy for receipts. */

import { type LogEntry, roundToHour } from '../../src/core/leaf/index.ts'
import type { Policy } from '../../src/core/note/index.ts'
import type { ServiceContext } from '../../src/platform/context/context.ts'
import { publicKeyViews } from '../../src/platform/keys/views.ts'

export function entry(n: number, kind: LogEntry['kind'] = 'credential'): LogEntry {
  const artefactHash = new Uint8Array(32)
  new DataView(artefactHash.buffer).setUint32(0, n)
  artefactHash[31] = 0xaa
  return { kind, artefactHash, keyId: 'issuer-key-1', time: roundToHour(1_764_000_000 + n) }
}

export async function logVkey(ctx: ServiceContext): Promise<string> {
  const views = await publicKeyViews(ctx.keys, ctx.config.logOrigin)
  const log = views.find((v) => v.purpose === 'log' && v.status === 'active')
  if (log?.vkey === undefined) throw new Error('no log key')
  return log.vkey
}

export async function logPolicy(ctx: ServiceContext): Promise<Policy> {
  return { logs: [{ vkey: await logVkey(ctx) }], witnesses: [], quorum: 'none' }
}
