/**
 * @module core/shl/receive
 * What a verifier does with a SMART Health Link once it is opened (client.ts): every card in
 * every SHC file is verified as any scanned card is (signature, issuer, expiry, revocation,
 * ledger inclusion: core/verify), and each FHIR file is summarised for a person to read. The
 * verifier page and `vigil verify` both show this; nothing here trusts the sharer's server.
 */
import { type CredentialSummary, summarise } from '../fhir/index.ts'
import { type Verdict, type VerifyOptions, verifyCredential } from '../verify/index.ts'
import { type OpenedShl, type OpenShlinkOptions, openShlink } from './client.ts'

export interface SharedCard {
  /** Its place: file index, then card index in the file. */
  readonly file: number
  readonly index: number
  readonly jws: string
  readonly verdict: Verdict
}

export interface SharedFhir {
  readonly file: number
  readonly resource: Record<string, unknown>
  /** The decrypted text, as shared (what a clinic downloads). */
  readonly text: string
  /** Holder and records, when the resource is a bundle with one Patient; else undefined. */
  readonly summary: CredentialSummary | undefined
}

export interface ReceivedShl {
  readonly opened: OpenedShl
  readonly cards: readonly SharedCard[]
  readonly fhir: readonly SharedFhir[]
  /** Files of a content type this verifier does not show (smart-api-access, others). */
  readonly other: number
}

/** Summarises an unsigned FHIR resource; one that does not fit the summary shape gets none. */
function summaryOf(resource: Record<string, unknown>): CredentialSummary | undefined {
  try {
    return summarise(resource)
  } catch {
    return undefined
  }
}

/** Opens the link, then verifies each card with `verify` (the same options as a scanned card). */
export async function receiveShlink(
  text: string,
  options: OpenShlinkOptions & { readonly verify: Omit<VerifyOptions, 'now'> },
): Promise<ReceivedShl> {
  const opened = await openShlink(text, options)
  const cards: SharedCard[] = []
  const fhir: SharedFhir[] = []
  let other = 0
  for (const [file, f] of opened.files.entries()) {
    if (f.content.kind === 'shc') {
      for (const [index, jws] of f.content.jws.entries()) {
        const verdict = await verifyCredential(jws, { ...options.verify, now: options.now })
        cards.push({ file, index, jws, verdict })
      }
    } else if (f.content.kind === 'fhir') {
      fhir.push({
        file,
        resource: f.content.resource,
        text: f.text,
        summary: summaryOf(f.content.resource),
      })
    } else {
      other++
    }
  }
  return { opened, cards, fhir, other }
}
