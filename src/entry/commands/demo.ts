/**
 * @module entry/commands/demo
 * `vigil demo [--facts N] [--seed S] [--credentials N] [--codes N] [--regions FILE]
 * [--boundaries FILE]`: seeds a realistic synthetic year into the configured database. The places
 * come from the regions CSV and their outlines from the boundary file (TopoJSON or GeoJSON);
 * a modest number of credentials go through the real issuing path (signed, in the ledger, some
 * revoked), exposure codes through the tracer's and the device's paths; then the bulk of the
 * facts (campaigns, waves, tests, exposure activity; surveillance/synthetic) are written with
 * their rollups, with a progress bar and the ingest rate. Exit 0: done; 2: usage or failure.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import cliProgress from 'cli-progress'
import { AGE_BANDS } from '../../core/fhir/index.ts'
import type { Actor } from '../../platform/context/index.ts'
import { issueCredential, revokeCredential } from '../../services/credentials/index.ts'
import { issueCode, verifyCode } from '../../services/exposure/index.ts'
import {
  type BoundariesReport,
  dayMs,
  ingestFacts,
  loadBoundaries,
  loadRegions,
  readHierarchy,
  seededUniform,
  syntheticYear,
  toDay,
} from '../../services/surveillance/index.ts'
import { loadConfig, startRuntime } from '../runtime.ts'

export const DEFAULT_REGIONS = new URL('../../../data/regions-xv.csv', import.meta.url)
export const DEFAULT_BOUNDARIES = new URL('../../../data/boundaries-xv.topojson', import.meta.url)

const GIVEN = ['Ada', 'Bram', 'Chloé', 'Daan', 'Eva', 'Femke', 'Gijs', 'Hana', 'Ilse', 'Joris']
const FAMILY = ['Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'Bos', 'Vos']

const count = (v: string | undefined, name: string, fallback: number, max: number) => {
  if (v === undefined) return fallback
  if (!/^\d{1,9}$/.test(v) || Number(v) > max) throw new Error(`--${name} must be 0..${max}`)
  return Number(v)
}

export async function runDemo(args: string[]): Promise<number> {
  let opts: {
    facts: number
    seed: number
    credentials: number
    codes: number
    regions: string
    boundaries: string
  }
  try {
    const { values } = parseArgs({
      args,
      options: {
        facts: { type: 'string' },
        seed: { type: 'string' },
        credentials: { type: 'string' },
        codes: { type: 'string' },
        regions: { type: 'string' },
        boundaries: { type: 'string' },
      },
      strict: true,
    })
    opts = {
      facts: count(values.facts, 'facts', 200_000, 100_000_000),
      seed: count(values.seed, 'seed', 1, 2 ** 31),
      credentials: count(values.credentials, 'credentials', 120, 100_000),
      codes: count(values.codes, 'codes', 30, 10_000),
      regions: values.regions ?? DEFAULT_REGIONS.pathname,
      // The sample outlines fit the sample places only; other places bring their own file.
      boundaries:
        values.boundaries ?? (values.regions === undefined ? DEFAULT_BOUNDARIES.pathname : ''),
    }
  } catch (err) {
    console.error(`vigil demo: ${(err as Error).message}`)
    return 2
  }
  const { ctx, database } = await startRuntime(loadConfig(), { migrate: true })
  try {
    const loaded = await loadRegions(ctx, readFileSync(opts.regions, 'utf8'))
    console.error(`places: ${loaded.places} (${loaded.districts} districts) from ${opts.regions}`)
    if (opts.boundaries !== '') {
      const report = await loadBoundaries(ctx, readFileSync(opts.boundaries, 'utf8'))
      for (const line of describeBoundaries(report, opts.boundaries)) console.error(line)
    }
    const places = await readHierarchy(ctx)
    const districts = places.at('district').map((p) => p.code)
    const u = seededUniform(opts.seed ^ 0x5eed)
    const today = toDay(ctx.clock.now().getTime())
    const start = toDay(dayMs(today) - 365 * 86_400_000)
    const dayIn = (lo: number, hi: number) =>
      toDay(dayMs(start) + Math.floor(lo + u() * (hi - lo)) * 86_400_000)
    const actor: Actor = { kind: 'token', id: 'demo', name: 'vigil demo', roles: ['issuer'] }
    const asDemo = { ...ctx, actor }
    const any = <T>(xs: readonly T[]) => xs[Math.floor(u() * xs.length)] as T

    // Through the real issuing path: signed cards, ledger entries, facts and rollups.
    const issued: string[] = []
    const bar = new cliProgress.SingleBar(
      { format: '{task} [{bar}] {value}/{total} {rate}', stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    )
    bar.start(opts.credentials, 0, { task: 'credentials', rate: '' })
    for (let i = 0; i < opts.credentials; i++) {
      const age = 12 + Math.floor(u() * 78)
      const patient = {
        givenNames: [any(GIVEN)],
        familyName: any(FAMILY),
        birthDate: String(Number(today.slice(0, 4)) - age),
      }
      const region = any(districts)
      const first = dayIn(0, 300)
      const input =
        u() < 0.7
          ? {
              type: 'immunization' as const,
              patient,
              immunizations: [
                { code: '208', date: first },
                { code: '208', date: toDay(dayMs(first) + 28 * 86_400_000) },
              ],
              region,
            }
          : {
              type: 'test' as const,
              patient,
              test: {
                code: '94558-4',
                date: dayIn(0, 364),
                result: u() < 0.15 ? '260373001' : '260415000',
              },
              region,
            }
      const c = await issueCredential(asDemo, input)
      issued.push(c.id)
      bar.increment()
    }
    bar.stop()
    let revoked = 0
    for (const id of issued) {
      if (u() >= 0.05) continue
      await revokeCredential(asDemo, { id, reason: 'superseded' })
      revoked++
    }
    // Through the tracer's and the device's paths: codes issued, most of them redeemed.
    let redeemed = 0
    for (let i = 0; i < opts.codes; i++) {
      const code = await issueCode(ctx, { testType: 'confirmed', region: any(districts) })
      if (u() < 0.7) {
        await verifyCode(ctx, { code: code.code, client: `demo-${i}` })
        redeemed++
      }
    }
    console.error(
      `issued ${issued.length} credentials (${revoked} revoked), ${opts.codes} exposure codes (${redeemed} redeemed)`,
    )

    // The bulk: a synthetic year, in date order, with the ingest rate.
    const facts = new cliProgress.SingleBar(
      {
        format: 'facts [{bar}] {percentage}% {value}/{total} {rate} facts/s',
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    )
    facts.start(opts.facts, 0, { rate: 0 })
    const t0 = performance.now()
    const written = await ingestFacts(ctx, {
      facts: syntheticYear({ seed: opts.seed, total: opts.facts, start, places }),
      onProgress: (n) =>
        facts.update(Math.min(n, opts.facts), {
          rate: Math.round(n / ((performance.now() - t0) / 1000)),
        }),
    })
    facts.update(opts.facts)
    facts.stop()
    const seconds = (performance.now() - t0) / 1000
    console.log(
      JSON.stringify({
        demo: 'done',
        places: loaded.places,
        credentials: issued.length,
        revoked,
        codes: opts.codes,
        redeemed,
        facts: written,
        seconds: Math.round(seconds * 10) / 10,
        factsPerSecond: Math.round(written / seconds),
        from: start,
        to: toDay(dayMs(start) + 364 * 86_400_000),
        ageBands: AGE_BANDS.length,
      }),
    )
    return 0
  } catch (err) {
    console.error(`vigil demo: ${(err as Error).message}`)
    return 2
  } finally {
    await database.close()
  }
}

/** What a boundary load did, in lines for the terminal: nothing left out is left unsaid. */
export function describeBoundaries(report: BoundariesReport, file: string): string[] {
  const lines = [`outlines: ${report.stored} places from ${file}`]
  if (report.unmatched.length > 0) {
    lines.push(`features matching no place (${report.unmatched.length}):`)
    for (const u of report.unmatched) lines.push(`  ${u.feature}: ${u.reason}`)
  }
  if (report.missing.length > 0) {
    lines.push(`places without an outline (${report.missing.length}):`)
    for (const m of report.missing) lines.push(`  ${m.region} ${m.name} (${m.level})`)
  }
  return lines
}

/** A boundary file is JSON (TopoJSON or GeoJSON); the places file is CSV. */
const isBoundaryFile = (text: string) => text.trimStart().startsWith('{')

export async function runRegionsLoad(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true })
  const file = positionals[0]
  if (file === undefined || positionals.length > 1) {
    console.error('usage: vigil regions load FILE')
    return 2
  }
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    console.error(`vigil regions load: ${(err as Error).message}`)
    return 2
  }
  const { ctx, database } = await startRuntime(loadConfig(), { migrate: true })
  try {
    if (isBoundaryFile(text)) {
      const report = await loadBoundaries(ctx, text)
      for (const line of describeBoundaries(report, file)) console.log(line)
      return 0
    }
    const loaded = await loadRegions(ctx, text)
    console.log(`loaded ${loaded.places} places (${loaded.districts} districts with population)`)
    return 0
  } catch (err) {
    console.error(`vigil regions load: ${(err as Error).message}`)
    return 1
  } finally {
    await database.close()
  }
}
