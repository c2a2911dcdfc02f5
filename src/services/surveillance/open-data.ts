/**
 * @module services/surveillance/open-data
 * Every public figure as open data at a stable URL (docs/SURVEILLANCE.md, open data): a CSV of
 * the weekly figures exactly as the public page shows them, a metadata JSON (definitions, the
 * privacy parameters, and for each week its release time, the SHA-256 of its canonical text and
 * its `stats-release` ledger entry), and a zip of both. Built from the stored release, which is
 * never redrawn, so the same URL gives the same bytes across restarts and processes until a new
 * week is released.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import { zipSync } from 'fflate'
import { sha256, toHex, utf8 } from '../../core/codec/index.ts'
import { STATS_RELEASE_FORMAT, statsReleaseKeyId } from '../../core/stats/index.ts'
import type { ServiceContext } from '../../platform/context/index.ts'
import { logEntries, publicReleases } from '../../platform/db/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { SENSITIVITY } from './measures.ts'
import { publicStats } from './public.ts'
import { NATIONAL, PUBLIC_MEASURES } from './public-release.ts'

/** What each public figure counts, in the words the public page uses. */
const DEFINITIONS: Record<PublicMeasure, { en: string; es: string }> = {
  doses: {
    en: 'Vaccine doses given per ISO week (Monday to Sunday), by the region of the person.',
    es: 'Dosis de vacuna administradas por semana ISO (de lunes a domingo), por región de la persona.',
  },
  complete: {
    en: 'People completing their primary vaccination series per ISO week, by region.',
    es: 'Personas que completan su pauta de vacunación primaria por semana ISO, por región.',
  },
  tests: {
    en: 'Test results recorded per ISO week, by region.',
    es: 'Resultados de pruebas registrados por semana ISO, por región.',
  },
  positives: {
    en: 'Positive test results recorded per ISO week, by region.',
    es: 'Resultados de pruebas positivos registrados por semana ISO, por región.',
  },
  uploads: {
    en: 'Exposure-notification key uploads per ISO week, by the region the health authority gave.',
    es: 'Subidas de claves de notificación de exposición por semana ISO, por la región que indicó la autoridad sanitaria.',
  },
}

type PublicMeasure = (typeof PUBLIC_MEASURES)[number]

export interface OpenDataset {
  readonly csv: string
  readonly metadata: string
}

export function isOpenDataMeasure(m: string): m is PublicMeasure {
  return (PUBLIC_MEASURES as readonly string[]).includes(m)
}

/** RFC 4180: quote a field holding a comma, quote or line break. */
function field(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v
}

/** Fills in the ledger index of releases whose entries have been integrated. */
async function placeReleases(ctx: ServiceContext, measure: string): Promise<void> {
  const [open] = await ctx.db
    .select({ week: publicReleases.week })
    .from(publicReleases)
    .where(and(eq(publicReleases.measure, measure), isNull(publicReleases.leafIndex)))
    .limit(1)
  if (open === undefined) return
  await ctx.db.execute(sql`
    update ${publicReleases} r set leaf_index = e.idx
    from ${logEntries} e
    where r.leaf_index is null and r.pending_id = e.pending_id`)
}

/** The CSV and the metadata of one public figure over the public window. */
export async function openDataset(ctx: ServiceContext, measure: string): Promise<OpenDataset> {
  if (!isOpenDataMeasure(measure)) {
    throw new ServiceError('NOT_FOUND', `${measure} is not a public figure`, { field: 'dataset' })
  }
  const stats = await publicStats(ctx)
  await placeReleases(ctx, measure)
  const releases = await ctx.db
    .select()
    .from(publicReleases)
    .where(and(eq(publicReleases.measure, measure), inArray(publicReleases.week, stats.weeks)))
    .orderBy(publicReleases.week)
  const figures = stats.measures[measure] as (typeof stats.measures)[string]
  const lines = ['week,place,place_name,value,suppressed']
  const names = new Map(stats.places.map((p) => [p.code, p.name]))
  const places = [NATIONAL, ...[...names.keys()].sort()]
  for (const [w, week] of stats.weeks.entries()) {
    for (const place of places) {
      const value = place === NATIONAL ? figures.national[w] : (figures.regions[place]?.[w] ?? null)
      const name = place === NATIONAL ? 'national total' : (names.get(place) ?? place)
      lines.push(
        [
          week,
          place,
          field(name),
          value === null || value === undefined ? '' : String(value),
          value === null || value === undefined ? 'true' : 'false',
        ].join(','),
      )
    }
  }
  const csv = `${lines.join('\r\n')}\r\n`
  const base = `/api/public/data/${measure}`
  const metadata = {
    format: 'vigil-open-data/v1',
    dataset: measure,
    definition: DEFINITIONS[measure],
    unit: 'count per ISO week; each row is one place in one week',
    weeks: { first: stats.weeks[0], last: stats.weeks.at(-1), count: stats.weeks.length },
    columns: [
      { name: 'week', description: 'the Monday that starts the ISO week (YYYY-MM-DD)' },
      {
        name: 'place',
        description: "the place code; empty for the national total; 'unknown' for facts not placed",
      },
      { name: 'place_name', description: 'the place name' },
      { name: 'value', description: 'the released (noisy) count; empty when suppressed' },
      { name: 'suppressed', description: 'true when the count is withheld' },
    ],
    privacy: {
      mechanism:
        'two-sided geometric noise (differential privacy), drawn once per figure and week, never redrawn',
      epsilonPerFigure: ctx.config.surveillance.publicEpsilon,
      sensitivity: SENSITIVITY[measure],
      suppressionThreshold: ctx.config.surveillance.threshold,
      suppression:
        'counts from 1 to the threshold − 1 are withheld, with complementary cells so that the national total cannot reveal them',
    },
    releases: releases.map((r) => ({
      week: r.week,
      releasedAt: r.releasedAt.toISOString(),
      epsilon: r.epsilon,
      threshold: r.threshold,
      sha256: r.sha256 === null ? null : toHex(r.sha256),
      ledger: {
        kind: 'stats-release',
        keyId: statsReleaseKeyId(measure, r.week),
        index: r.leafIndex,
      },
    })),
    canonicalText: `${STATS_RELEASE_FORMAT}: the ledger entry of a week commits to the SHA-256 of "vigil-stats-release/v1", "measure <m>", "week <w>", "epsilon <ε>", "threshold <t>", then "<place>,<value>" for every place sorted by code (national = empty code, suppressed = empty value), each line ending in a line feed`,
    files: {
      csv: { url: `${base}.csv`, sha256: toHex(await sha256(utf8(csv))), rows: lines.length - 1 },
      zip: { url: `${base}.zip` },
    },
  }
  return { csv, metadata: `${JSON.stringify(metadata, null, 2)}\n` }
}

/** The zip of a dataset's CSV and metadata, with a fixed file time so its bytes are stable. */
export function openDataZip(measure: string, d: OpenDataset): Uint8Array {
  const mtime = new Date('2000-01-01T00:00:00Z')
  return zipSync(
    {
      [`${measure}.csv`]: [utf8(d.csv), { mtime }],
      [`${measure}.json`]: [utf8(d.metadata), { mtime }],
    },
    { level: 6 },
  )
}

/** The list of datasets with their URLs. */
export function openDataIndex(): {
  datasets: { dataset: string; csv: string; json: string; zip: string }[]
} {
  return {
    datasets: PUBLIC_MEASURES.map((m) => ({
      dataset: m,
      csv: `/api/public/data/${m}.csv`,
      json: `/api/public/data/${m}.json`,
      zip: `/api/public/data/${m}.zip`,
    })),
  }
}
