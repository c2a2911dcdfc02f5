/**
 * `node --import tsx bench/inflate.ts [time | count VARIANT PASSES]`: the cost of inflating the
 * payloads of ordinary cards (the SHC spec examples, the vaccination IG's signed examples and a
 * card issued here), capped as the verifier caps them (payload.ts: 20× the deflated size + 4 KiB),
 * by the inflater in src/core/shc/deflate.ts and by the candidates it was chosen over.
 *
 * `time` alternates the variants round by round (load on a shared machine hits them alike) and
 * prints one JSON line per variant (median µs per payload set over the rounds) and a table.
 * `count` inflates the set PASSES times with one variant and prints nothing else but a checksum:
 * run it under `valgrind --tool=callgrind node --single-threaded …` (V8 then compiles on the main
 * thread, so tier-up is repeatable) at two pass counts past warm-up (500 and 700) and divide the
 * difference in instructions by the difference in passes: start-up is left out, and the count
 * does not move with the load on the machine.
 *
 * Environment: BENCH_ROUNDS (default 15) rounds of `time`.
 */
import { existsSync } from 'node:fs'
import { loadavg } from 'node:os'
import { deflateSync, Inflate as FflateInflate, inflateSync } from 'fflate'
import { Inflate as PakoInflate } from 'pako'
import { concatBytes, utf8 } from '../src/core/codec/bytes.ts'
import { inflateRawSync } from '../src/core/shc/deflate.ts'
import { parseShcJws } from '../src/core/shc/index.ts'
import { MAX_INFLATE_RATIO, MAX_INFLATE_SLACK, MAX_PAYLOAD_BYTES } from '../src/core/shc/limits.ts'
import { readVectorText, VECTORS_DIR } from '../test/helpers/vectors.ts'

type Inflater = (bytes: Uint8Array, maxBytes: number) => Uint8Array

class Limit extends Error {}

/** pako 3's Inflate class, a new one per payload (the code before the shared zlib state). */
const pakoClass: Inflater = (bytes, maxBytes) => {
  const chunks: Uint8Array[] = []
  let total = 0
  const inflater = new PakoInflate({ raw: true, chunkSize: Math.min(16_384, maxBytes + 1) })
  inflater.onData = (chunk) => {
    total += chunk.length
    if (total > maxBytes) throw new Limit()
    chunks.push(chunk)
  }
  inflater.push(bytes, true)
  if (inflater.err !== 0 || !inflater.ended) throw new Error('not raw DEFLATE')
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : concatBytes(...chunks)
}

/** fflate's one-shot inflate into a reused 64 KiB buffer: cannot stop a bomb early. */
let scratch: Uint8Array | undefined
const fflateSync: Inflater = (bytes) => {
  scratch ??= new Uint8Array(65_536)
  const out = inflateSync(bytes, { out: scratch })
  return out.length < scratch.length ? out.slice() : inflateSync(bytes)
}

/** fflate's streaming Inflate fed `slice` compressed bytes at a time, the total checked after each. */
function fflateStream(slice: number): Inflater {
  return (bytes, maxBytes) => {
    const chunks: Uint8Array[] = []
    let total = 0
    const inflater = new FflateInflate((chunk) => {
      total += chunk.length
      if (total > maxBytes) throw new Limit()
      chunks.push(chunk)
    })
    for (let at = 0; ; at += slice) {
      const end = Math.min(at + slice, bytes.length)
      inflater.push(bytes.subarray(at, end), end === bytes.length)
      if (end === bytes.length) break
    }
    return chunks.length === 1 ? (chunks[0] as Uint8Array) : concatBytes(...chunks)
  }
}

const VARIANTS: Record<string, Inflater> = {
  src: inflateRawSync,
  'pako-class': pakoClass,
  'fflate-sync': fflateSync,
  'fflate-stream-64': fflateStream(64),
  'fflate-stream-256': fflateStream(256),
  'fflate-stream-512': fflateStream(512),
  'fflate-stream-all': fflateStream(Number.MAX_SAFE_INTEGER),
}

/** Deflated payloads of ordinary cards, each with the cap the verifier gives it. */
function payloads(): { name: string; deflated: Uint8Array; cap: number }[] {
  const jws: [string, string][] = []
  if (existsSync(VECTORS_DIR)) {
    for (const n of ['00', '01', '02', '03']) {
      jws.push([`spec-${n}`, readVectorText(`shc/spec-examples/example-${n}-d-jws.txt`)])
    }
    for (const n of [1, 2, 3]) {
      const path = `shc/vaccination-ig/signed-examples/Scenario${n}Bundle-jws.txt`
      jws.push([`ig-${n}`, readVectorText(path)])
    }
  }
  const out = jws.map(([name, text]) => ({ name, deflated: parseShcJws(text.trim()).deflated }))
  // A card as Vigil issues it (level 9), without needing a key: the same minified claim shape.
  const claims = {
    iss: 'https://vigil.example/shc',
    nbf: 1_700_000_000,
    vc: {
      type: ['https://smarthealth.cards#health-card'],
      credentialSubject: {
        fhirVersion: '4.0.1',
        fhirBundle: {
          resourceType: 'Bundle',
          type: 'collection',
          entry: [
            {
              fullUrl: 'resource:0',
              resource: {
                resourceType: 'Patient',
                name: [{ family: 'Anyperson', given: ['John', 'B.'] }],
                birthDate: '1951-01-20',
              },
            },
            {
              fullUrl: 'resource:1',
              resource: {
                resourceType: 'Immunization',
                status: 'completed',
                vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '208' }] },
                patient: { reference: 'resource:0' },
                occurrenceDateTime: '2021-05-01',
                lotNumber: 'EW0182',
              },
            },
          ],
        },
      },
    },
  }
  out.push({ name: 'vigil', deflated: deflateSync(utf8(JSON.stringify(claims)), { level: 9 }) })
  return out.map((p) => ({
    ...p,
    cap: Math.min(MAX_PAYLOAD_BYTES, p.deflated.length * MAX_INFLATE_RATIO + MAX_INFLATE_SLACK),
  }))
}

function pass(inflate: Inflater, set: ReturnType<typeof payloads>): number {
  let sum = 0
  for (const p of set) sum += inflate(p.deflated, p.cap).length
  return sum
}

function time(set: ReturnType<typeof payloads>): void {
  const rounds = Number(process.env.BENCH_ROUNDS ?? '15')
  const names = Object.keys(VARIANTS)
  const expected = pass(fflateSync, set)
  for (const name of names) {
    const inflate = VARIANTS[name] as Inflater
    if (pass(inflate, set) !== expected) throw new Error(`${name} inflates differently`)
    for (let i = 0; i < 2000; i++) pass(inflate, set) // warm up the JIT
  }
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
  const load = loadavg()[0]
  for (let r = 0; r < rounds; r++) {
    // Alternate the order too, so no variant always runs right after the same one.
    const order = r % 2 === 0 ? names : [...names].reverse()
    for (const name of order) {
      const inflate = VARIANTS[name] as Inflater
      const passes = 500
      const t0 = process.cpuUsage()
      for (let i = 0; i < passes; i++) pass(inflate, set)
      const used = process.cpuUsage(t0)
      samples[name]?.push((used.user + used.system) / passes)
    }
  }
  const rows: string[] = []
  for (const name of names) {
    const s = (samples[name] as number[]).sort((a, b) => a - b)
    const median = s[Math.floor(s.length / 2)] as number
    const figure = {
      bench: 'inflate',
      variant: name,
      payloads: set.length,
      us_per_set_cpu_median: Number(median.toFixed(2)),
      us_per_set_cpu_min: Number((s[0] as number).toFixed(2)),
      rounds,
      load1: load,
    }
    process.stdout.write(`${JSON.stringify(figure)}\n`)
    rows.push(`${name.padEnd(20)} ${median.toFixed(1).padStart(8)} µs/set`)
  }
  process.stdout.write(`\n${set.length} payloads, median CPU per set, load ${load}\n`)
  process.stdout.write(`${rows.join('\n')}\n`)
}

const set = payloads()
const [mode = 'time', variant = 'src', passes = '100'] = process.argv.slice(2)
if (mode === 'count') {
  const inflate = VARIANTS[variant]
  if (!inflate) throw new Error(`unknown variant ${variant}: ${Object.keys(VARIANTS).join(', ')}`)
  process.stdout.write(`${pass(inflate, set) * Number(passes)}\n`)
  for (let i = 1; i < Number(passes); i++) pass(inflate, set)
} else {
  time(set)
}
