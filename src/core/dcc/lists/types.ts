/**
 * @module core/dcc/lists/types
 * What every trust-list loader returns: the signers it accepted, where the list came from, its
 * format, as of when, and one problem per entry it dropped (each with the code of the check that
 * dropped it). A whole list that cannot be read or whose own signature fails throws instead.
 */
import type { DccListErrorCode } from '../errors.ts'
import type { DccSigner } from '../trust.ts'

export const DCC_LIST_FORMATS = ['eu-dto', 'verifier-service', 'jwks', 'did'] as const
export type DccListFormat = (typeof DCC_LIST_FORMATS)[number]

export interface DccListProblem {
  readonly code: DccListErrorCode
  readonly message: string
  /** The entry's kid, when it has one. */
  readonly kid?: string
}

export interface DccTrustList {
  readonly format: DccListFormat
  /** Where the list came from (a URL or a file name), as the importer says. */
  readonly source: string
  /** POSIX seconds: when the list was fetched (its age is counted from here). */
  readonly asOf: number
  readonly signers: readonly DccSigner[]
  readonly problems: readonly DccListProblem[]
  /**
   * What the loader could not check but did not refuse for (e.g. an EU gateway list imported
   * without a trust anchor: its entries' signatures were not verified). Nothing was dropped.
   */
  readonly warnings?: readonly DccListProblem[]
}

export interface DccListOptions {
  readonly source: string
  /** POSIX seconds: when the list was fetched. */
  readonly asOf: number
}
