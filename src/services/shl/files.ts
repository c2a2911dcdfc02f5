/**
 * @module services/shl/files
 * The files of a link, made from the holder's records and encrypted at once under the link's
 * key (IG §Encrypting and Decrypting Files): one `.smart-health-card` file per card (so a
 * revoked card can be left out by itself), or for a single-file (`U`) link one file of all the
 * cards; and the IPS-shaped FHIR bundle (core/shl/bundle.ts). Only the ciphertext leaves here.
 */
import { createHealthCardFile } from '../../core/shc/index.ts'
import { buildPatientSummary, encryptShlFile, type ShlContentType } from '../../core/shl/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { uuidFrom } from '../../platform/ids/index.ts'
import type { Member } from './holder.ts'

export interface ShlSelection {
  readonly kinds: readonly string[]
  readonly cards: boolean
  readonly bundle: boolean
}

export interface SealedFile {
  readonly contentType: ShlContentType
  /** The credential of a one-card file; null for the bundle and a U link's file of all cards. */
  readonly credentialId: string | null
  readonly jwe: string
}

/** The IPS-shaped bundle of the members' records (unsigned; the cards are the signed copies). */
export function patientSummaryOf(ctx: ServiceContext, members: readonly Member[]) {
  return buildPatientSummary({
    bundles: members.map((m) => m.bundle),
    author: new URL(ctx.config.publicUrl).host,
    timestamp: ctx.clock.now().toISOString(),
    newId: () => uuidFrom(ctx.random(16)),
  })
}

export async function sealFiles(
  ctx: ServiceContext,
  key: Uint8Array,
  members: readonly Member[],
  selection: ShlSelection,
  single: boolean,
): Promise<SealedFile[]> {
  const seal = async (
    contentType: ShlContentType,
    text: string,
    credentialId: string | null,
  ): Promise<SealedFile> => ({
    contentType,
    credentialId,
    // A fresh 96-bit IV per encryption: one key serves every version of every file (IG).
    jwe: await encryptShlFile(key, text, contentType, { iv: ctx.random(12) }),
  })
  const files: SealedFile[] = []
  if (members.length === 0) return files
  if (selection.cards) {
    if (single) {
      files.push(
        await seal(
          'application/smart-health-card',
          createHealthCardFile(members.map((m) => m.jws)),
          null,
        ),
      )
    } else {
      for (const m of members) {
        files.push(await seal('application/smart-health-card', createHealthCardFile([m.jws]), m.id))
      }
    }
  }
  if (selection.bundle) {
    files.push(
      await seal('application/fhir+json', JSON.stringify(patientSummaryOf(ctx, members)), null),
    )
  }
  return files
}
