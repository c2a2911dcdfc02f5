/**
 * `npm run bench:credentials:fill`: a Postgres database of many issued credentials for the
 * issuer list and search bench (bench/credentials-list.ts), filled with COPY in a few minutes
 * instead of the hours real issuing would take.
 *
 * Rows look like real ones where the list and the search read them: one `credentials` row and
 * one `credential_personal_data` row per credential, the record sealed under the deployment's
 * master key exactly as issuing seals it (its own AES-256-GCM data key, wrapped; the row id as
 * associated data), the keyed name/birth-date search hash computed by the service's own
 * `searchKey`. About 0.6 credentials per person (so a search finds one to several), 75 %
 * vaccinations of one to three doses, 4 % revoked, 2 % corrected (the next row is the correction,
 * linked both ways), 1 % erased (no sealed record), issue times spread over two years in row
 * order. Shortcuts, stated: each record's JWS is one of 128 real cards signed at fill time for
 * inputs of the same shape (same size, not the row's own person), `leaf_index` is the row number
 * (the ledger holds no entries for the filled rows), and no surveillance facts or audit rows are
 * written (neither list nor search reads them).
 *
 * Deterministic by row number (ids, people, states, times) and resumable: rows go in chunks,
 * one transaction each, and a re-run continues after the rows already there. The database is
 * kept between runs (it takes minutes to fill); drop it with `dropdb vigil_bench`.
 *
 * Environment: BENCH_DATABASE_URL (a server to create the database on; default the local
 * Postgres), BENCH_LIST_DB (default `vigil_bench`), BENCH_LIST_ROWS (default 1,000,000).
 */
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import { pathToFileURL } from 'node:url'
import postgres from 'postgres'
import { toBase64Url } from '../src/core/codec/index.ts'
import { RESULT_CODES, TEST_CODES, VACCINE_CODES } from '../src/core/fhir/index.ts'
import { issueShc } from '../src/core/shc/index.ts'
import { buildContext } from '../src/entry/context.ts'
import { parseConfig } from '../src/platform/config/config.ts'
import { jsonLogger, type ServiceContext } from '../src/platform/context/context.ts'
import { createDb, type Database } from '../src/platform/db/client.ts'
import { migrate } from '../src/platform/db/migrate.ts'
import { nodeKeyCrypto } from '../src/platform/node-crypto/key-crypto.ts'
import { buildBundle } from '../src/services/credentials/bundle.ts'
import type { CredentialInput } from '../src/services/credentials/input.ts'
import { isLoopbackIssuer, issuerSigner } from '../src/services/credentials/issuer.ts'
import { searchKey } from '../src/services/credentials/search-key.ts'
import { DATABASE_URL, PUBLIC_URL } from './setup.ts'

export const LIST_DB = process.env.BENCH_LIST_DB ?? 'vigil_bench'
export const LIST_ROWS = Number(process.env.BENCH_LIST_ROWS ?? '1000000')
/** A fixed master key: this database is a bench's, and a re-run must open its keys again. */
export const LIST_MASTER_KEY = new Uint8Array(
  createHash('sha256').update('vigil bench: credential list').digest(),
)
const CHUNK = 20_000
const DAY_MS = 86_400_000
/** The fill's clock: rows end a day before it, so every date is in the past when issued. */
const END = Date.UTC(2026, 10, 1)
const SPAN_MS = 730 * DAY_MS

// --- the rows, a pure function of the row number ---------------------------------------------

/** A 32-bit hash of (row, purpose): splitmix-style mixing, so every field draws independently. */
function mix(i: number, salt: number): number {
  let x = (Math.imul(i, 0x9e3779b1) ^ Math.imul(salt, 0x85ebca6b)) >>> 0
  x ^= x >>> 16
  x = Math.imul(x, 0x7feb352d)
  x ^= x >>> 15
  x = Math.imul(x, 0x846ca68b)
  x ^= x >>> 16
  return x >>> 0
}
const unit = (i: number, salt: number) => mix(i, salt) / 2 ** 32

const GIVEN = (
  'Anna Maria Sofia Emma Julia Lotte Sanne Eva Lisa Fleur Noor Sara Zoë Iris Lieke Femke Anouk ' +
  'Elif Fatima Yara Mila Nina Ines Lucía Carmen Marta Paula Elena Laura Alba Clara Irene Nora ' +
  'Jan Piet Kees Daan Sem Lucas Levi Finn Milan Bram Thijs Ruben Jesse Mohammed Ahmed Youssef ' +
  'Omar Luuk Tim Tom Max Sven Joris Pablo Javier Diego Mateo Hugo Álvaro Adrián Sergio Carlos ' +
  'Miguel José Antonio Manuel David Daniel Marco Nicolás Andrés Rafael Bernard Chloé Léa Manon ' +
  'Camille Louis Gabriel Jules Arthur Aylin Mehmet Emre Deniz Priya Arjun Wei Mei Hiroshi Yuki'
).split(' ')
const FAMILY = (
  'de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|de Boer|Mulder|' +
  'de Groot|Bos|Vos|Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|Dijkstra|Smits|de Graaf|' +
  'van der Meer|van der Linden|Kok|Jacobs|de Haan|Vermeulen|van den Heuvel|van der Veen|' +
  'van den Broek|de Bruijn|de Bruin|van der Heijden|Schouten|van Beek|Willems|van Vliet|' +
  'García|Rodríguez|González|Fernández|López|Martínez|Sánchez|Pérez|Gómez|Martín|Jiménez|Ruiz|' +
  'Hernández|Díaz|Moreno|Muñoz|Álvarez|Romero|Alonso|Gutiérrez|Navarro|Torres|Domínguez|Vázquez|' +
  'Ramos|Gil|Ramírez|Serrano|Blanco|Molina|Morales|Suárez|Ortega|Delgado|Castro|Ortiz|Rubio|' +
  'Yılmaz|Kaya|Demir|Şahin|Çelik|El Amrani|Benali|Bouzid|Nguyen|Tran|Le|Pham|Wang|Li|Zhang|Chen|' +
  'Müller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schulz|Hoffmann|Dubois|Martin|' +
  'Bernard|Thomas|Robert|Richard|Petit|Durand|Leroy|Moreau|Simon|Laurent|Lefebvre|Michel|Kowalski|' +
  'Nowak|Wiśniewski|Wójcik|Kowalczyk|Kamiński|Lewandowski|Zieliński|Szymański|Woźniak|Dąbrowski'
).split('|')
const REGIONS = ['NL-NH', 'NL-ZH', 'NL-UT', 'NL-NB', 'NL-GE', 'NL-LI', 'NL-OV', 'NL-GR', 'NL-FR']
const PERFORMERS = ['GGD Amsterdam', 'GGD Haaglanden', 'GGD Utrecht', 'Huisartsenpraktijk']
const REASONS = ['entered in error', 'wrong person', 'lot recalled', 'duplicate']
const VACCINES = VACCINE_CODES.map((c) => c.code)
const TESTS = TEST_CODES.map((c) => c.code)
const RESULTS = RESULT_CODES.map((c) => c.code)

const pick = <T>(list: readonly T[], i: number, salt: number) =>
  list[mix(i, salt) % list.length] as T

/** People: about 0.6 credentials each, so a name search finds one to several. */
export const personCount = (rows: number) => Math.max(1, Math.floor(rows * 0.6))

export interface Person {
  givenNames: string[]
  familyName: string
  birthDate: string
}

export function person(p: number): Person {
  const given = [pick(GIVEN, p, 1)]
  if (unit(p, 2) < 0.3) given.push(pick(GIVEN, p, 3))
  const born = Date.UTC(1930, 0, 1) + Math.floor(unit(p, 4) * 33_000) * DAY_MS
  return {
    givenNames: given,
    familyName: pick(FAMILY, p, 5),
    birthDate: new Date(born).toISOString().slice(0, 10),
  }
}

const supersededAt = (i: number, rows: number) => i + 1 < rows && unit(i, 10) < 0.02
const revokedAt = (i: number) => unit(i, 10) >= 0.02 && unit(i, 10) < 0.06

/** The person row `i` is for: a correction (the row after a superseded one) keeps the person. */
export function personOf(i: number, rows: number): number {
  let j = i
  while (j > 0 && supersededAt(j - 1, rows)) j--
  return mix(j, 6) % personCount(rows)
}

/** Row `i`'s id: a version-4 UUID from its hash (RFC 9562 §5.4 bits set). */
export function rowId(i: number): string {
  const b = createHash('sha256').update(`vigil bench credential ${i}`).digest()
  b[6] = ((b[6] as number) & 0x0f) | 0x40
  b[8] = ((b[8] as number) & 0x3f) | 0x80
  const h = b.subarray(0, 16).toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

export const issuedAt = (i: number, rows: number) =>
  new Date(END - DAY_MS - SPAN_MS + Math.floor(((i + 0.1 + 0.8 * unit(i, 7)) * SPAN_MS) / rows))

/** The state the list reports for row `i` (erased is apart: a revoked row can be erased too). */
export function stateOf(i: number, rows: number): 'valid' | 'revoked' | 'superseded' {
  return supersededAt(i, rows) ? 'superseded' : revokedAt(i) ? 'revoked' : 'valid'
}
export const erasedAt = (i: number) => unit(i, 11) < 0.01

function inputOf(i: number, rows: number): CredentialInput {
  const patient = person(personOf(i, rows))
  const at = issuedAt(i, rows).getTime()
  const day = (back: number) => new Date(at - back * DAY_MS).toISOString().slice(0, 10)
  const region = pick(REGIONS, i, 12)
  if (unit(i, 13) < 0.25)
    return {
      type: 'test',
      patient,
      test: { code: pick(TESTS, i, 14), date: day(1), result: pick(RESULTS, i, 15) },
      region,
    } as CredentialInput
  const code = pick(VACCINES, i, 16)
  const doses = 1 + (mix(i, 17) % 3)
  return {
    type: 'immunization',
    patient,
    immunizations: Array.from({ length: doses }, (_, d) => ({
      code,
      date: day(1 + (doses - 1 - d) * 28),
      lotNumber: `EW${String(mix(i, 18 + d) % 10_000).padStart(4, '0')}`,
      performer: pick(PERFORMERS, i, 21),
    })),
    region,
  } as CredentialInput
}

// --- COPY ------------------------------------------------------------------------------------

/** bytea in COPY text format: `\x` hex, its backslash escaped (COPY §Text Format). */
const hex = (b: Uint8Array) => `\\\\x${Buffer.from(b).toString('hex')}`
const NULL = '\\N'

interface Fill {
  url: string
  database: Database
  ctx: ServiceContext
  close(): Promise<void>
}

/** Creates the bench database if missing, migrates it and builds a context on it. */
export async function openListDb(): Promise<Fill> {
  const admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {} })
  const [found] = await admin`select 1 as x from pg_database where datname = ${LIST_DB}`
  if (found === undefined) await admin.unsafe(`create database ${LIST_DB}`)
  await admin.end({ timeout: 5 })
  const u = new URL(DATABASE_URL)
  u.pathname = `/${LIST_DB}`
  const url = u.toString()
  const database = await createDb({ kind: 'postgres', url })
  await migrate(database)
  const { ctx, ledger } = await buildContext({
    database,
    config: parseConfig({ PUBLIC_URL, VIGIL_LOG_LEVEL: 'silent' }),
    masterKey: LIST_MASTER_KEY,
    logger: jsonLogger('silent'),
    keyCrypto: nodeKeyCrypto,
    keys: 'create',
    ledger: { kind: 'writer' },
  })
  return {
    url,
    database,
    ctx,
    async close() {
      await ledger?.close()
      await database.close()
    },
  }
}

/** 128 real cards (64 of each kind) whose JWS the filled records carry, by kind. */
async function jwsTemplates(ctx: ServiceContext, rows: number) {
  const signer = await issuerSigner(ctx)
  const out = { immunization: [] as string[], test: [] as string[] }
  for (let i = 0; out.immunization.length < 64 || out.test.length < 64; i++) {
    const input = inputOf(i, rows)
    const list = out[input.type]
    if (list.length >= 64) continue
    const at = issuedAt(i, rows)
    list.push(
      await issueShc({
        bundle: buildBundle(input, at),
        iss: signer.iss,
        nbf: Math.floor(at.getTime() / 1000),
        rid: toBase64Url(createHash('sha256').update(`rid ${i}`).digest().subarray(0, 8)),
        keyPair: signer.keyPair,
        allowLoopbackHttp: isLoopbackIssuer(signer.iss),
      }),
    )
  }
  return { templates: out, kid: signer.kid }
}

async function copyRows(
  tx: postgres.TransactionSql,
  statement: string,
  lines: AsyncIterable<string>,
): Promise<void> {
  const stream = await tx.unsafe(statement).writable()
  for await (const line of lines) if (!stream.write(line)) await once(stream, 'drain')
  stream.end()
  await finished(stream)
}

interface Chunk {
  publicLines: string[]
  personalLines: string[]
}

/** The COPY lines of rows [from, to) of `rows`. */
async function chunkLines(
  ctx: ServiceContext,
  t: Awaited<ReturnType<typeof jwsTemplates>>,
  from: number,
  to: number,
  rows: number,
): Promise<Chunk> {
  const enc = new TextEncoder()
  const publicLines: string[] = []
  const personalLines: string[] = []
  for (let i = from; i < to; i++) {
    const id = rowId(i)
    const input = inputOf(i, rows)
    const at = issuedAt(i, rows)
    const state = stateOf(i, rows)
    const revoked = state !== 'valid'
    const revokedTime = new Date(Math.min(at.getTime() + (1 + (mix(i, 22) % 90)) * DAY_MS, END))
    const reason = state === 'superseded' ? `superseded by ${rowId(i + 1)}` : pick(REASONS, i, 23)
    const corrects = i > 0 && supersededAt(i - 1, rows)
    publicLines.push(
      `${[
        id,
        input.type,
        t.kid,
        hex(createHash('sha256').update(id).digest()),
        String(i),
        toBase64Url(createHash('sha256').update(`rid ${i}`).digest().subarray(0, 8)),
        String(Math.floor(at.getTime() / 1000)),
        revoked ? 'revoked' : 'active',
        revoked ? revokedTime.toISOString() : NULL,
        revoked ? reason : NULL,
        revoked ? String(rows + i) : NULL,
        corrects ? rowId(i - 1) : NULL,
        state === 'superseded' ? rowId(i + 1) : NULL,
        unit(i, 24) < 0.3 ? hex(createHash('sha256').update(`import ${i}`).digest()) : NULL,
        `token:${rowId(mix(i, 25) % 8)}`,
        at.toISOString(),
        erasedAt(i) ? new Date(Math.min(at.getTime() + 180 * DAY_MS, END)).toISOString() : NULL,
      ].join('\t')}\n`,
    )
    if (erasedAt(i)) continue
    const list = t.templates[input.type]
    const record = { input, jws: list[mix(i, 26) % list.length] as string }
    const sealed = await ctx.keys.sealRecord(enc.encode(JSON.stringify(record)), id)
    const key = await searchKey(ctx, input.patient)
    personalLines.push(
      `${[id, hex(sealed.wrappedKey), hex(sealed.sealed), hex(key), at.toISOString()].join('\t')}\n`,
    )
  }
  return { publicLines, personalLines }
}

/** Writes a chunk in one transaction (a cut-off fill loses at most the chunk in flight). */
async function copyChunk(sql: postgres.Sql, { publicLines, personalLines }: Chunk) {
  async function* each(lines: string[]) {
    yield* lines
  }
  await sql.begin(async (tx) => {
    await copyRows(
      tx,
      `copy credentials (id, kind, issuer_kid, jws_hash, leaf_index, rid, nbf, status, revoked_at,
        revocation_reason, revocation_leaf_index, replaces, replaced_by, import_key, issued_by,
        issued_at, erased_at) from stdin`,
      each(publicLines),
    )
    await copyRows(
      tx,
      `copy credential_personal_data (credential_id, wrapped_key, sealed, search_key, created_at)
        from stdin`,
      each(personalLines),
    )
  })
}

/**
 * Opens the bench database with `rows` credentials, filling what is missing first. `progress`
 * hears the rows present after each chunk.
 */
export async function openFilledListDb(
  rows = LIST_ROWS,
  progress: (done: number, rate: number) => void = () => {},
): Promise<Fill & { filledSeconds: number }> {
  const fill = await openListDb()
  const sql = postgres(fill.url, { max: 1, onnotice: () => {} })
  const [{ n } = { n: '0' }] = await sql<
    { n: string }[]
  >`select count(*)::text as n from credentials`
  let done = Number(n)
  const t0 = performance.now()
  if (done < rows) {
    const templates = await jwsTemplates(fill.ctx, rows)
    const start = done
    // The next chunk is built (here) while the database writes the last one (there): two cores.
    let writing: Promise<void> = Promise.resolve()
    for (let from = done; from < rows; from += CHUNK) {
      const to = Math.min(rows, from + CHUNK)
      const chunk = await chunkLines(fill.ctx, templates, from, to, rows)
      await writing
      writing = copyChunk(sql, chunk).then(() => {
        done = to
        progress(done, (done - start) / ((performance.now() - t0) / 1000))
      })
    }
    await writing
    // As autovacuum would leave a long-running table: statistics and the visibility map.
    await sql`vacuum analyze credentials`
    await sql`vacuum analyze credential_personal_data`
  }
  await sql.end({ timeout: 5 })
  return { ...fill, filledSeconds: (performance.now() - t0) / 1000 }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const t = performance.now()
  const fill = await openFilledListDb(LIST_ROWS, (done, rate) =>
    process.stderr.write(`[fill] ${done} rows (${Math.round(rate)}/s)\n`),
  )
  const figure = {
    bench: 'credentials.fill',
    database: LIST_DB,
    rows: LIST_ROWS,
    seconds: Number(((performance.now() - t) / 1000).toFixed(1)),
    filledSeconds: Number(fill.filledSeconds.toFixed(1)),
  }
  process.stdout.write(`${JSON.stringify(figure)}\n`)
  await fill.close()
}
