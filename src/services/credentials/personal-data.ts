/**
 * @module services/credentials/personal-data
 * Personal data at rest (docs/PRIVACY.md): each record is sealed with its own random
 * data key (AES-256-GCM), and that key is sealed under the master key. Erasing the row erases the
 * data; the ledger commitment (a hash of the JWS) stays and links to nothing.
 */
import { eq } from 'drizzle-orm'
import type { ServiceContext } from '../../platform/context/index.ts'
import { credentialPersonalData } from '../../platform/db/index.ts'

export interface PersonalRecord {
  /** The issuing request as received (for re-issue and correction). */
  input: unknown
  /** The compact JWS (it contains the bundle). */
  jws: string
}

/** The sealed row of a record (not yet written: issuing writes it with the credential). */
export async function sealPersonalData(
  ctx: ServiceContext,
  { credentialId, record }: { credentialId: string; record: PersonalRecord },
) {
  const bytes = new TextEncoder().encode(JSON.stringify(record))
  return { credentialId, ...(await ctx.keys.sealRecord(bytes, credentialId)) }
}

/** The record, or undefined once erased. */
export async function readPersonalData(
  ctx: ServiceContext,
  credentialId: string,
): Promise<PersonalRecord | undefined> {
  const [row] = await ctx.db
    .select()
    .from(credentialPersonalData)
    .where(eq(credentialPersonalData.credentialId, credentialId))
  if (row === undefined) return undefined
  // The stored id, not the caller's spelling: it is the AAD the record was sealed with.
  const bytes = await ctx.keys.unsealRecord(row, row.credentialId)
  return JSON.parse(new TextDecoder().decode(bytes)) as PersonalRecord
}

/** Crypto-shredding: deletes the sealed record. Returns whether there was one. */
export async function erasePersonalData(
  ctx: ServiceContext,
  credentialId: string,
): Promise<boolean> {
  const rows = await ctx.db
    .delete(credentialPersonalData)
    .where(eq(credentialPersonalData.credentialId, credentialId))
    .returning({ id: credentialPersonalData.credentialId })
  return rows.length > 0
}
