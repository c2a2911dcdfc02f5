/**
 * @module services/exposure/simulate
 * A population of synthetic phones driven through the real service: each phone rolls a TEK per
 * day (core/gaen), phones meet and record each other's RPIs, some test positive, a tracer issues
 * a code, the phone redeems it (code → token → certificate over its tekmac) and publishes its
 * keys; the export job runs; every phone downloads index.txt and the zips, decodes them and
 * matches locally. The report compares matches with the ground truth of who met whom.
 * Deterministic for a seed, given a target whose clock the simulator sets. The target is the
 * service as its clients see it (`vigil exposure simulate` binds it to the app over HTTP).
 */
import type {
  IssuedCode,
  PublishRequest,
  PublishResponse,
  VerificationCertificate,
  VerifiedCode,
} from '../../core/api-types/index.ts'
import { toBase64 } from '../../core/codec/index.ts'
import {
  type DiagnosisKey,
  dayStart,
  decodeExport,
  type GaenCrypto,
  indexObservations,
  intervalNumber,
  matchKeys,
  type Observation,
  rpi,
  rpik,
  TEK_ROLLING_PERIOD,
  tekmac,
  unzipExport,
} from '../../core/gaen/index.ts'
import { seededUniform } from '../surveillance/index.ts'

/**
 * The service under simulation, as its clients use it: a tracer issues codes, phones run the
 * device flow and download the published exports; plus the service's clock and export job.
 */
export interface SimTarget {
  /** A tracer issues a code for a positive test. */
  issueCode(input: { testType: 'confirmed'; symptomDate: string }): Promise<IssuedCode>
  /** A phone redeems the code; `client` is the phone's network address. */
  verifyCode(input: { code: string; client: string }): Promise<VerifiedCode>
  issueCertificate(input: { token: string; ekeyhmac: string }): Promise<VerificationCertificate>
  publish(input: PublishRequest): Promise<PublishResponse>
  /** The export files' paths as index.txt lists them, oldest first. */
  exportIndex(): Promise<string[]>
  /** One export file's bytes (export.zip). */
  exportFile(path: string): Promise<Uint8Array>
  /** Sets the service's clock (milliseconds since the epoch). */
  setNow(ms: number): void
  /** Runs the export job at `ms`. */
  exportNow(ms: number): Promise<unknown>
}

export interface SimOptions {
  phones?: number
  days?: number
  seed?: number
  /** The first simulated day (any time in it); default 2026-11-20. */
  startMs?: number
  /** Share of phones that test positive (at least one does). Default 0.2. */
  positiveRate?: number
  /** Meetings each phone starts per day, on average. Default 0.5. */
  meetingsPerDay?: number
  /** EN crypto provider; default pure. The CLI passes node:crypto (platform/node-crypto). */
  crypto?: GaenCrypto
}

export interface SimReport {
  phones: number
  days: number
  seed: number
  positives: number
  meetings: number
  observations: number
  uploadedKeys: number
  exportFiles: number
  downloadedKeys: number
  /** Phones that truly observed an uploading phone. */
  exposed: number
  truePositives: number
  falsePositives: number
  missed: number
  /** Matched (key, observation) pairs over all phones. */
  matchEvents: number
  seconds: number
}

interface Phone {
  id: number
  teks: Uint8Array[]
  observations: Observation[]
  /** Phones this one recorded RPIs from. */
  met: Set<number>
  positive: boolean
}

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

/** A seeded generator (surveillance/synthetic's mulberry32), for simulation only. */
function simRandom(seed: number) {
  const next = seededUniform(seed)
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    bytes: (n: number) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
  }
}

export async function simulate(target: SimTarget, options: SimOptions = {}): Promise<SimReport> {
  const t0 = performance.now()
  const n = Math.max(2, options.phones ?? 30)
  const days = Math.min(13, Math.max(1, options.days ?? 3))
  const seed = options.seed ?? 1
  const rng = simRandom(seed)
  const day0 = dayStart(intervalNumber((options.startMs ?? Date.UTC(2026, 10, 20)) / 1000))
  const phones: Phone[] = Array.from({ length: n }, (_, id) => ({
    id,
    teks: Array.from({ length: days }, () => rng.bytes(16)),
    observations: [],
    met: new Set(),
    positive: false,
  }))

  // Meetings: a random pair, a random start, 1–3 intervals; both phones scan each other's RPIs,
  // with the scan's interval off by up to ±2 (clock drift, well inside the ±12 tolerance).
  let meetings = 0
  const c = options.crypto
  const rpiKeys = phones.map((p) => p.teks.map((tek) => rpik(tek, c)))
  for (let d = 0; d < days; d++) {
    for (const a of phones) {
      if (rng.next() >= (options.meetingsPerDay ?? 0.5)) continue
      const b = phones[(a.id + 1 + rng.int(n - 1)) % n] as Phone
      const length = 1 + rng.int(3)
      const start = day0 + d * TEK_ROLLING_PERIOD + rng.int(TEK_ROLLING_PERIOD - length)
      meetings++
      for (let e = start; e < start + length; e++)
        for (const [seen, by] of [
          [a, b],
          [b, a],
        ] as const) {
          const key = rpiKeys[seen.id]?.[d] as Uint8Array
          by.observations.push({ rpi: rpi(key, e, c), enin: e + rng.int(5) - 2 })
          by.met.add(seen.id)
        }
    }
  }
  const positiveRate = options.positiveRate ?? 0.2
  for (const p of phones) p.positive = rng.next() < positiveRate
  if (!phones.some((p) => p.positive)) (phones[rng.int(n)] as Phone).positive = true

  // Uploads: the day after the last simulated day, one hour in, so no key is still current.
  const uploadMs = (day0 + days * TEK_ROLLING_PERIOD) * 600_000 + HOUR_MS
  target.setNow(uploadMs)
  const symptomDate = new Date(uploadMs - 2 * DAY_MS).toISOString().slice(0, 10)
  let uploadedKeys = 0
  for (const p of phones.filter((q) => q.positive)) {
    uploadedKeys += await upload(target, p, day0, symptomDate, rng.bytes(32))
  }

  // Exports: the upload hour's window closes and ages; the job runs; phones download.
  const exportMs = uploadMs + 12 * HOUR_MS
  target.setNow(exportMs)
  await target.exportNow(exportMs)
  const paths = await target.exportIndex()
  const keys: DiagnosisKey[] = []
  for (const path of paths) {
    const { bin } = unzipExport(await target.exportFile(path))
    keys.push(...decodeExport(bin).keys)
  }

  // Local matching, against the truth. Each phone's result depends only on its own observations;
  // deriving every key's RPIs once over all phones' observations (tagged by phone) gives the same
  // per-phone answer as matching on each phone, without repeating the derivation per phone.
  const owner: number[] = []
  const all: Observation[] = []
  for (const p of phones)
    for (const o of p.observations) {
      all.push(o)
      owner.push(p.id)
    }
  const matchesBy = new Map<number, number>()
  const matches = matchKeys(keys, indexObservations(all), { crypto: c })
  for (const m of matches) {
    const id = owner[m.observationIndex] as number
    matchesBy.set(id, (matchesBy.get(id) ?? 0) + 1)
  }
  const uploaders = new Set(phones.filter((p) => p.positive).map((p) => p.id))
  let exposed = 0
  let truePositives = 0
  let falsePositives = 0
  let missed = 0
  for (const p of phones) {
    const truly = [...p.met].some((id) => uploaders.has(id))
    const matched = (matchesBy.get(p.id) ?? 0) > 0
    if (truly) exposed++
    if (truly && matched) truePositives++
    else if (truly) missed++
    else if (matched) falsePositives++
  }
  return {
    phones: n,
    days,
    seed,
    positives: uploaders.size,
    meetings,
    observations: phones.reduce((s, p) => s + p.observations.length, 0),
    uploadedKeys,
    exportFiles: paths.length,
    downloadedKeys: keys.length,
    exposed,
    truePositives,
    falsePositives,
    missed,
    matchEvents: matches.length,
    seconds: (performance.now() - t0) / 1000,
  }
}

/** The device flow for one positive phone: code → token → certificate → publish. */
async function upload(
  target: SimTarget,
  phone: Phone,
  day0: number,
  symptomDate: string,
  hmacKey: Uint8Array,
): Promise<number> {
  const keys = phone.teks.map((tek, d) => ({
    key: toBase64(tek),
    rollingStartNumber: day0 + d * TEK_ROLLING_PERIOD,
    rollingPeriod: TEK_ROLLING_PERIOD,
    transmissionRisk: 0,
  }))
  const issued = await target.issueCode({ testType: 'confirmed', symptomDate })
  const client = `198.51.100.${phone.id % 250}`
  const { token } = await target.verifyCode({ code: issued.code, client })
  const { certificate } = await target.issueCertificate({ token, ekeyhmac: tekmac(hmacKey, keys) })
  const published = await target.publish({
    temporaryExposureKeys: keys,
    healthAuthorityID: 'vigil',
    verificationPayload: certificate,
    hmacKey: toBase64(hmacKey),
    padding: toBase64(hmacKey),
  })
  return published.insertedExposures
}
