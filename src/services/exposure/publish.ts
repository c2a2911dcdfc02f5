/**
 * @module services/exposure/publish
 * The GAEN publish request (google/exposure-notifications-server v1 publish API): certificate and
 * tekmac checked, keys validated (at most 30, none older than 14 days, none in the future, overlaps
 * only on a shared start, at most 3 per start), report type from the certificate, TR backfilled,
 * days since onset computed, still-valid keys held back until after they expire. Stored: the keys
 * and an hour, nothing about the sender. The revision token is the sealed list of the keys, padded
 * to 28 entries.
 */
import { inArray } from 'drizzle-orm'
import type { PublishKey, PublishRequest, PublishResponse } from '../../core/api-types/index.ts'
import { fromBase64, fromUtf8, toBase64, utf8 } from '../../core/codec/index.ts'
import { checkTekmac, intervalNumber, intervalStart } from '../../core/gaen/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { exposureKeys } from '../../platform/db/index.ts'
import { ServiceError, type ServiceErrorCode } from '../../platform/errors/index.ts'
import { exposureFact, recordFacts, toDay } from '../surveillance/index.ts'
import { publishPadding } from './padding.ts'
import { EXPOSURE, floorHour, HOUR_MS, REPORT_TYPE, TR_BACKFILL } from './settings.ts'
import { checkCertificate } from './verify.ts'

const TOKEN_ENTRIES = 28

/**
 * A chaff request's answer (a publish marked as chaff): the same shape, size and work (a sealed
 * token) as a real one's, and nothing is checked or stored.
 */
export async function chaffResponse(
  ctx: ServiceContext,
  req: Pick<PublishRequest, 'temporaryExposureKeys'>,
): Promise<PublishResponse> {
  const n = Math.min(Math.max(req.temporaryExposureKeys.length, 1), EXPOSURE.maxKeys)
  const fake = Array.from({ length: n }, () => toBase64(ctx.random(16)))
  return {
    revisionToken: await sealRevision(ctx, fake),
    insertedExposures: n,
    padding: publishPadding(ctx.random),
  }
}

async function sealRevision(ctx: ServiceContext, keys: string[]): Promise<string> {
  const padded = [...keys]
  while (padded.length < TOKEN_ENTRIES) padded.push(toBase64(new Uint8Array(16)))
  return toBase64(await ctx.keys.sealData(utf8(JSON.stringify(padded)), 'exposure/revision'))
}

async function openRevision(ctx: ServiceContext, token: string): Promise<Set<string>> {
  try {
    const list = JSON.parse(
      fromUtf8(await ctx.keys.unsealData(fromBase64(token), 'exposure/revision')),
    )
    return new Set((list as string[]).filter((k) => k !== toBase64(new Uint8Array(16))))
  } catch {
    throw new ServiceError('REVISION_TOKEN_INVALID', 'the revision token is not valid', {
      field: 'revisionToken',
    })
  }
}

/** Revisions allowed (ENS ValidReportTypeTransition): likely → confirmed; self-report → confirmed or likely. */
const TRANSITIONS: Record<number, number[]> = { 2: [1], 3: [1, 2] }

export async function publish(ctx: ServiceContext, req: PublishRequest): Promise<PublishResponse> {
  if (!EXPOSURE.healthAuthorities.includes(req.healthAuthorityID))
    throw new ServiceError('HEALTH_AUTHORITY_UNKNOWN', 'unknown health authority', {
      field: 'healthAuthorityID',
    })
  const keys = req.temporaryExposureKeys
  if (keys.length === 0)
    throw new ServiceError('NO_KEYS', 'send at least one key', { field: 'temporaryExposureKeys' })
  if (keys.length > EXPOSURE.maxKeys)
    throw new ServiceError('TOO_MANY_KEYS', `at most ${EXPOSURE.maxKeys} keys per publish`, {
      field: 'temporaryExposureKeys',
    })
  const claims = await checkCertificate(ctx, req.verificationPayload)
  let hmacKey: Uint8Array
  try {
    hmacKey = fromBase64(req.hmacKey)
  } catch {
    throw new ServiceError('HMAC_INVALID', 'hmacKey is not base64', { field: 'hmacKey' })
  }
  if (hmacKey.length < 16)
    throw new ServiceError('HMAC_INVALID', 'hmacKey must be at least 128 bits', {
      field: 'hmacKey',
    })
  if (!checkTekmac(hmacKey, keys, claims.tekmac))
    throw new ServiceError('HMAC_MISMATCH', "the keys do not match the certificate's HMAC", {
      field: 'hmacKey',
    })

  const nowMs = ctx.clock.now().getTime()
  const now = intervalNumber(nowMs / 1000)
  const oldest = now - EXPOSURE.maxAgeDays * 144
  const warnings: string[] = []
  const reasons: ServiceErrorCode[] = []
  const valid: { bytes: Uint8Array; k: PublishKey }[] = []
  for (const [i, k] of keys.entries()) {
    let bytes: Uint8Array | undefined
    try {
      bytes = fromBase64(k.key)
    } catch {}
    const tr = k.transmissionRisk ?? 0
    let reason: ServiceErrorCode | undefined
    if (
      bytes?.length !== 16 ||
      !(k.rollingPeriod >= 1 && k.rollingPeriod <= 144) ||
      tr < 0 ||
      tr > 8
    )
      reason = 'KEY_INVALID'
    else if (k.rollingStartNumber > now) reason = 'KEY_IN_FUTURE'
    else if (k.rollingStartNumber + k.rollingPeriod < oldest) reason = 'KEY_TOO_OLD'
    if (reason !== undefined || bytes === undefined) {
      reasons.push(reason ?? 'KEY_INVALID')
      warnings.push(`key ${i}: ${reason}`)
    } else valid.push({ bytes, k })
  }
  if (valid.length === 0) {
    const code = reasons[0] ?? 'KEY_INVALID'
    throw new ServiceError(code, `no key is acceptable (${warnings.join('; ')})`, {
      field: 'temporaryExposureKeys',
    })
  }
  // Overlaps: sorted by start, a key may overlap the previous only when they share the start.
  const sorted = [...valid].sort((a, b) => a.k.rollingStartNumber - b.k.rollingStartNumber)
  const perStart = new Map<number, number>()
  let end = Number.NEGATIVE_INFINITY
  let lastStart = Number.NaN
  for (const { k } of sorted) {
    const n = (perStart.get(k.rollingStartNumber) ?? 0) + 1
    perStart.set(k.rollingStartNumber, n)
    if (
      n > EXPOSURE.maxSameStart ||
      (k.rollingStartNumber < end && k.rollingStartNumber !== lastStart)
    )
      throw new ServiceError('KEYS_OVERLAP', 'keys overlap in time', {
        field: 'temporaryExposureKeys',
      })
    end = Math.max(end, k.rollingStartNumber + k.rollingPeriod)
    lastStart = k.rollingStartNumber
  }

  const allowed =
    req.revisionToken === undefined ? new Set<string>() : await openRevision(ctx, req.revisionToken)
  const reportType = REPORT_TYPE[claims.reportType]
  const onset = onsetOf(req.symptomOnsetInterval, claims.symptomOnsetInterval, now)
  const hour = floorHour(nowMs)
  const existing = await ctx.db
    .select({
      keyData: exposureKeys.keyData,
      reportType: exposureKeys.reportType,
      revised: exposureKeys.revisedReportType,
    })
    .from(exposureKeys)
    .where(
      inArray(
        exposureKeys.keyData,
        valid.map((v) => v.bytes),
      ),
    )
  const known = new Map(existing.map((e) => [toBase64(e.keyData), e]))
  let inserted = 0
  // New keys go in one multi-row insert after the loop: one round trip instead of one per key.
  const fresh: (typeof exposureKeys.$inferInsert)[] = []
  let uploaded = 0
  for (const { bytes, k } of valid) {
    const b64 = toBase64(bytes)
    const prior = known.get(b64)
    if (prior !== undefined) {
      // A revision: only with the revision token, only along an allowed transition, only once.
      if (!allowed.has(b64)) {
        warnings.push(`key ${b64.slice(0, 4)}…: already published`)
        continue
      }
      const target = claims.reportType === 'negative' ? 5 : reportType
      if (
        prior.revised !== null ||
        target === undefined ||
        !(TRANSITIONS[prior.reportType] ?? []).concat(5).includes(target)
      ) {
        warnings.push('invalid report type transition')
        continue
      }
      await ctx.db
        .update(exposureKeys)
        .set({ revisedReportType: target, revisedHour: new Date(hour) })
        .where(inArray(exposureKeys.keyData, [bytes]))
      inserted++
      continue
    }
    if (reportType === undefined) continue // a negative result for an unknown key: nothing to do
    const days = onset === undefined ? null : Math.floor((k.rollingStartNumber - onset) / 144)
    if (days !== null && Math.abs(days) > EXPOSURE.maxOnsetDays) {
      warnings.push('key too far from symptom onset')
      continue
    }
    const keyEnd = k.rollingStartNumber + k.rollingPeriod
    // Embargo: a key still valid now becomes available only the hour after it expires.
    const available = keyEnd > now ? floorHour(intervalStart(keyEnd) * 1000) + HOUR_MS : hour
    const tr =
      (k.transmissionRisk ?? 0) === 0
        ? (TR_BACKFILL[claims.reportType] ?? 0)
        : (k.transmissionRisk as number)
    fresh.push({
      keyData: bytes,
      transmissionRisk: tr,
      rollingStart: k.rollingStartNumber,
      rollingPeriod: k.rollingPeriod,
      reportType,
      daysSinceOnset: days,
      healthAuthority: req.healthAuthorityID,
      traveler: req.traveler === true,
      availableHour: new Date(available),
    })
  }
  if (fresh.length > 0) {
    const rows = await ctx.db
      .insert(exposureKeys)
      .values(fresh)
      .onConflictDoNothing()
      .returning({ id: exposureKeys.id })
    inserted += rows.length
    uploaded += rows.length
  }
  // One de-identified fact per upload that stored new keys: day, region, test and report type.
  if (uploaded > 0)
    await ctx.db.transaction((tx) =>
      recordFacts({ ...ctx, db: tx }, [
        exposureFact('upload', toDay(hour), {
          region: claims.region,
          testType: claims.reportType,
          reportType: claims.reportType,
        }),
      ]),
    )
  const response: PublishResponse = {
    revisionToken: await sealRevision(ctx, [
      ...new Set([...allowed, ...valid.map((v) => toBase64(v.bytes))]),
    ]),
    insertedExposures: inserted,
    padding: publishPadding(ctx.random),
  }
  if (warnings.length > 0) {
    response.code = 'partial_failure'
    response.warnings = warnings
  }
  return response
}

function onsetOf(request: number | undefined, certificate: number | undefined, now: number) {
  for (const v of [request, certificate]) {
    if (v !== undefined && Number.isInteger(v) && v < now && v >= now - 28 * 144)
      return Math.floor(v / 144) * 144
  }
  return undefined
}
