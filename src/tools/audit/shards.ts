/**
 * @module tools/audit/shards
 * `vigil audit` over every shard of a sharded log (docs/LEDGER.md "Shards"): each shard is its own
 * log, audited as one (from its own tables in the database, or from `/log/<id>/…` over HTTP)
 * under its own key, and a frozen shard's final checkpoint is held to its tree: signed by the
 * shard's key with the `final` line, of the recorded final size, with the root of the tree at
 * that size, and no checkpoint past it.
 */
import { eq } from 'drizzle-orm'
import { readVigilExtensions } from '../../core/checkpoint/index.ts'
import { equalBytes } from '../../core/codec/index.ts'
import {
  createEd25519Verifier,
  openNote,
  parseCheckpoint,
  parseNote,
} from '../../core/note/index.ts'
import { type Db, keys, logCheckpoints } from '../../platform/db/index.ts'
import { logVerifierKey, type PublicKeyInfo } from '../../platform/keys/index.ts'
import { listShards, type Shard, withShard } from '../../services/ledger/index.ts'
import { audit } from './audit.ts'
import { databaseSource } from './database-source.ts'
import { remoteSource } from './remote-source.ts'
import type { AuditFinding, AuditOptions, AuditReport } from './types.ts'

export interface ShardAudit extends AuditReport {
  id: number
  origin: string
  state: 'active' | 'frozen'
}

export interface ShardedAuditReport {
  shards: ShardAudit[]
  ok: boolean
}

/** What a frozen shard's final checkpoint must be; the findings when it is not. */
export async function checkFinal(
  shard: { origin: string; finalSize: bigint; finalNote: string },
  vkey: string,
  /** The root of the shard's stored (or served) checkpoint at the final size. */
  rootAt: (size: bigint) => Promise<Uint8Array | undefined>,
  head: bigint,
): Promise<AuditFinding[]> {
  const at = `final checkpoint ${shard.finalSize}`
  const finding = (code: AuditFinding['code'], message: string): AuditFinding => ({
    code,
    at,
    message,
    size: shard.finalSize,
  })
  const out: AuditFinding[] = []
  if (head > shard.finalSize)
    out.push(
      finding(
        'AUDIT_SHARD_PAST_FINAL',
        `the frozen shard ${shard.origin} holds a checkpoint of size ${head}, past its final size`,
      ),
    )
  try {
    const opened = await openNote(shard.finalNote, [await createEd25519Verifier(vkey)])
    const c = parseCheckpoint(opened.text)
    const final = readVigilExtensions(c).final
    const root = await rootAt(shard.finalSize)
    if (c.origin !== shard.origin || c.size !== shard.finalSize || !final)
      out.push(finding('AUDIT_SHARD_FINAL', 'not the final checkpoint recorded for the shard'))
    else if (root === undefined || !equalBytes(root, c.root))
      out.push(finding('AUDIT_SHARD_FINAL', "its root is not the shard's tree at that size"))
  } catch (err) {
    out.push(
      finding('AUDIT_SHARD_FINAL', `does not verify: ${err instanceof Error ? err.message : err}`),
    )
  }
  return out
}

async function shardVkey(db: Db, shard: Shard): Promise<string> {
  const [row] = await db.select().from(keys).where(eq(keys.id, shard.keyId))
  if (row === undefined) throw new Error(`the key store has no key ${shard.keyId}`)
  return logVerifierKey({ id: row.id, publicJwk: row.publicJwk } as PublicKeyInfo, shard.origin)
}

const rootOf = (note: string) => parseCheckpoint(parseNote(note).text).root

/** Audits every shard in the database (undefined when the log was never rotated). */
export async function auditDatabaseShards(
  db: Db,
  options: Omit<AuditOptions, 'vkey'>,
): Promise<ShardedAuditReport | undefined> {
  const shards = await listShards(db)
  if (shards.length === 0) return undefined
  const out: ShardAudit[] = []
  for (const shard of shards) {
    const vkey = await shardVkey(db, shard)
    const report = await withShard(db, shard, async (tx) => {
      const r = await audit(databaseSource(tx), { ...options, vkey: [vkey] })
      if (shard.state === 'frozen' && shard.finalNote !== null && shard.finalSize !== null) {
        const rootAt = async (size: bigint) => {
          const [row] = await tx.select().from(logCheckpoints).where(eq(logCheckpoints.size, size))
          return row === undefined ? undefined : rootOf(row.note)
        }
        const final = {
          origin: shard.origin,
          finalSize: shard.finalSize,
          finalNote: shard.finalNote,
        }
        r.findings.push(...(await checkFinal(final, vkey, rootAt, r.size)))
        r.ok = r.findings.length === 0
      }
      return r
    })
    out.push({ id: shard.id, origin: shard.origin, state: shard.state, ...report })
  }
  return { shards: out, ok: out.every((s) => s.ok) }
}

interface ServedShard {
  id: number
  origin: string
  vkey: string
  state: 'active' | 'frozen'
  finalSize: string | null
  checkpoint?: string
}

/**
 * Audits every shard a remote Vigil lists at `/log/shards` through `/log/<id>/…` (undefined when
 * it lists none). `pinned`: the active shard's keys; frozen shards' keys come from the listing.
 */
export async function auditRemoteShards(
  url: string,
  pinned: string[] | undefined,
  options: Omit<AuditOptions, 'vkey'>,
): Promise<ShardedAuditReport | undefined> {
  const res = await fetch(`${url.replace(/\/+$/, '')}/log/shards`)
  if (res.status === 404) return undefined
  if (!res.ok) throw new Error(`/log/shards answered ${res.status}`)
  const { shards } = (await res.json()) as { shards: ServedShard[] }
  if (shards.length === 0) return undefined
  const out: ShardAudit[] = []
  for (const shard of shards) {
    const served = remoteSource({ url, prefix: `log/${shard.id}` })
    // A frozen shard serves its final checkpoint, which is not in its chain (checked below):
    // the chain must end at the final size.
    const source =
      shard.state === 'frozen' && shard.finalSize !== null
        ? { ...served, head: async () => ({ size: BigInt(shard.finalSize ?? '0') }) }
        : served
    const vkey = shard.state === 'active' && pinned !== undefined ? pinned : [shard.vkey]
    const report = await audit(source, { ...options, vkey })
    if (shard.state === 'frozen' && shard.checkpoint !== undefined && shard.finalSize !== null) {
      const finalSize = BigInt(shard.finalSize)
      const rootAt = async (size: bigint) => {
        const page = await source.log.checkpoints({ before: size + 1n, limit: 1 })
        const c = page.checkpoints.find((x) => BigInt(x.size) === size)
        return c === undefined ? undefined : rootOf(c.note)
      }
      const final = { origin: shard.origin, finalSize, finalNote: shard.checkpoint }
      report.findings.push(...(await checkFinal(final, shard.vkey, rootAt, report.size)))
      report.ok = report.findings.length === 0
    }
    out.push({ id: shard.id, origin: shard.origin, state: shard.state, ...report })
  }
  return { shards: out, ok: out.every((s) => s.ok) }
}
