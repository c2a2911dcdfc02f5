/**
 * A test harness that forks a log the way a dishonest operator would: it rewrites one stored
 * leaf, rebuilds the tree from the entries and re-signs a checkpoint of the same size with the
 * log's own key (the real integration step). Whoever saw the old history can tell.
 */
import { asc, sql } from 'drizzle-orm'
import { CompactRange } from '../../src/core/merkle/index.ts'
import type { Db } from '../../src/platform/db/client.ts'
import { logEntries, logPending } from '../../src/platform/db/schema/index.ts'
import type { KeyStore } from '../../src/platform/keys/store.ts'
import { logSigner } from '../../src/services/ledger/checkpoint.ts'
import { integrate } from '../../src/services/ledger/integrate.ts'

export async function forkLog(db: Db, keys: KeyStore, origin: string, index: number) {
  const rows = await db
    .select({ entry: logEntries.entry })
    .from(logEntries)
    .orderBy(asc(logEntries.idx))
  const entries = rows.map((r) => r.entry.slice())
  const target = entries[index]
  if (target === undefined) throw new Error(`no entry ${index}`)
  target[10] = (target[10] ?? 0) ^ 0xff // inside the artefact hash: still a valid entry
  await db.transaction(async (tx) => {
    await tx.execute(sql`delete from log_cosignatures`)
    await tx.execute(sql`delete from log_checkpoints where size > 0`)
    await tx.execute(sql`delete from log_tiles`)
    await tx.execute(sql`delete from log_bundles`)
    await tx.execute(sql`delete from log_entries`)
    await tx.execute(
      sql`update log_state set size = 0, checkpoint_size = 0, compact_range = ${CompactRange.empty().encode()}`,
    )
    if (entries.length > 0) await tx.insert(logPending).values(entries.map((entry) => ({ entry })))
  })
  const signer = logSigner(await keys.active('log'), origin)
  await integrate({ db, signer, origin, now: () => new Date() }, 1_000_000)
}
