/**
 * @module services/exposure/retention
 * Deletes exposure data once nothing can need it (docs/EXPOSURE.md, docs/PRIVACY.md):
 *
 * - verification codes 12 h after the later of their two expiries (the long code's, 24 h after
 *   issuing), so a tracer can still read "used" or "expired" for half a day;
 * - one-time tokens 6 h after they expire (24 h after the code was redeemed);
 * - published keys 14 days (the phones' look-back) after the end of the export window of the hour
 *   they became available, plus the 2 h before a window is published, counting a revision's hour
 *   too: by then every file that carries them has been published and is past its own retention;
 * - export files 14 days after their window ends (ENS `CLEANUP_TTL`, 336 h): they leave
 *   index.txt, while their SHA-256 stays in the ledger, so the withdrawal is on the record.
 *
 * Certificates are never stored (they are bound to the keys by `tekmac` and live 15 minutes), and
 * the rate-limit buckets expire with their daily salt (platform/rate-limit), so neither needs a rule
 * here. Run hourly by `vigil serve` with the export job, and by `vigil exposure cleanup`.
 */
import { and, isNull, lt, or } from 'drizzle-orm'
import type { ServiceContext } from '../../platform/context/index.ts'
import {
  exposureCodes,
  exposureExports,
  exposureKeys,
  exposureTokens,
} from '../../platform/db/index.ts'
import { EXPOSURE, HOUR_MS } from './settings.ts'

const DAY_MS = 86_400_000

/** How long each kind of row outlives its reason to exist. */
export const RETENTION = {
  /** After the later expiry of a code (its long code's). */
  codeAfterExpiryMs: 12 * HOUR_MS,
  /** After a token's expiry. */
  tokenAfterExpiryMs: 6 * HOUR_MS,
  /** After the end of the export window of a key's availability (or revision) hour. */
  keyAfterWindowMs: EXPOSURE.maxAgeDays * DAY_MS + EXPOSURE.minWindowAgeMs,
  /** After an export file's window ends. */
  exportAfterWindowMs: EXPOSURE.maxAgeDays * DAY_MS,
} as const

export interface RetentionResult {
  codes: number
  tokens: number
  keys: number
  exports: number
}

/** One pass; returns how many rows of each kind were deleted. Idempotent, safe to race. */
export async function runExposureRetention(
  ctx: ServiceContext,
  options: { now?: Date | undefined } = {},
): Promise<RetentionResult> {
  const now = (options.now ?? ctx.clock.now()).getTime()
  const codeCut = new Date(now - RETENTION.codeAfterExpiryMs)
  const codes = await ctx.db
    .delete(exposureCodes)
    .where(and(lt(exposureCodes.expiresAt, codeCut), lt(exposureCodes.longExpiresAt, codeCut)))
    .returning({ id: exposureCodes.id })
  const tokens = await ctx.db
    .delete(exposureTokens)
    .where(lt(exposureTokens.expiresAt, new Date(now - RETENTION.tokenAfterExpiryMs)))
    .returning({ used: exposureTokens.used })
  // A key available at hour h is exported in the window [floor(h / W)·W, +W); every hour before
  // `keyCut` belongs to a window that ended at least keyAfterWindowMs ago.
  const W = EXPOSURE.exportWindowMs
  const keyCut = new Date(Math.floor((now - RETENTION.keyAfterWindowMs) / W) * W)
  const keys = await ctx.db
    .delete(exposureKeys)
    .where(
      and(
        lt(exposureKeys.availableHour, keyCut),
        or(isNull(exposureKeys.revisedHour), lt(exposureKeys.revisedHour, keyCut)),
      ),
    )
    .returning({ start: exposureKeys.rollingStart })
  const exports = await ctx.db
    .delete(exposureExports)
    .where(lt(exposureExports.batchEnd, new Date(now - RETENTION.exportAfterWindowMs)))
    .returning({ path: exposureExports.path })
  return {
    codes: codes.length,
    tokens: tokens.length,
    keys: keys.length,
    exports: exports.length,
  }
}
