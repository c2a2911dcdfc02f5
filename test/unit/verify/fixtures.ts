/**
 * A small, in-memory Vigil "deployment" for core/verify tests: an ES256 issuer with a CRL, an
 * Ed25519 log with checkpoints over a list of leaf hashes, tiles and a k-anonymous lookup served
 * from memory, and signed trust material. No database, no network: the same core the page runs.
 */
import { checkpointText } from '../../../src/core/checkpoint/index.ts'
import { toBase64Url } from '../../../src/core/codec/base64.ts'
import { concatBytes } from '../../../src/core/codec/bytes.ts'
import { toHex } from '../../../src/core/codec/hex.ts'
import { buildImmunizationBundle } from '../../../src/core/fhir/index.ts'
import {
  hashLeaf,
  proveConsistency,
  rootFromLeafHashes,
  TILE_HEIGHT,
  type Tile,
} from '../../../src/core/merkle/index.ts'
import { importEd25519Seed } from '../../../src/core/note/ed25519.ts'
import {
  createSigner,
  formatPolicy,
  generateSignerKey,
  type Policy,
  signNote,
} from '../../../src/core/note/index.ts'
import { computeKid, computeRid, issueShc, type ShcKeyPair } from '../../../src/core/shc/index.ts'
import {
  credentialLeaf,
  type LedgerSource,
  type OpenedTrustMaterial,
  openTrustMaterial,
  signTrustMaterial,
  TRUST_MATERIAL_FORMAT,
  type TrustedIssuer,
  type TrustMaterial,
} from '../../../src/core/verify/index.ts'

/** 2026-11-24T12:00:00Z */
export const NOW = 1_795_521_600
export const HOUR = 3600

export interface TestIssuer {
  iss: string
  name: string
  keyPair: ShcKeyPair
  kid: string
  jwk: Record<string, unknown>
  ridSecret: string
}

export async function createIssuer(
  iss = 'https://issuer.vigil.test',
  name = 'Test issuer',
): Promise<TestIssuer> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  const kid = await computeKid(pair.publicKey)
  const { x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey)
  const jwk = { kty: 'EC', crv: 'P-256', x, y, kid, use: 'sig', alg: 'ES256', crlVersion: 1 }
  return { iss, name, keyPair: pair, kid, jwk, ridSecret: 'rid-secret' }
}

export const PATIENT = {
  givenNames: ['Anne', 'Marie'],
  familyName: 'Jansen',
  birthDate: '1985-03-14',
}

export async function issueCard(
  issuer: TestIssuer,
  options: { nbf?: number; exp?: number; subject?: string; rid?: boolean; bundle?: unknown } = {},
): Promise<string> {
  const nbf = options.nbf ?? NOW - 2 * HOUR
  const bundle =
    options.bundle ??
    buildImmunizationBundle({
      patient: PATIENT,
      immunizations: [{ code: '208', date: '2021-05-01', lotNumber: 'EW0182' }],
      now: nbf,
    })
  return issueShc({
    bundle,
    iss: issuer.iss,
    nbf,
    ...(options.exp === undefined ? {} : { exp: options.exp }),
    ...(options.rid === false
      ? {}
      : { rid: computeRid(issuer.kid, options.subject ?? 'subject-1', issuer.ridSecret) }),
    keyPair: issuer.keyPair,
  })
}

export function ridOf(issuer: TestIssuer, subject = 'subject-1'): string {
  return computeRid(issuer.kid, subject, issuer.ridSecret)
}

/** An append-only list of leaves with checkpoints, tiles and lookups, all in memory. */
export class MemoryLog {
  readonly leaves: Uint8Array[] = []
  readonly origin: string
  key!: Awaited<ReturnType<typeof generateSignerKey>>
  privateKey!: CryptoKey
  lookups: string[] = []
  tileReads: string[] = []

  private constructor(origin: string) {
    this.origin = origin
  }

  static async create(origin = 'vigil.test/log'): Promise<MemoryLog> {
    const log = new MemoryLog(origin)
    log.key = await generateSignerKey(origin, (n) => crypto.getRandomValues(new Uint8Array(n)))
    log.privateKey = (await importEd25519Seed(log.key.seed)).privateKey
    return log
  }

  get vkey(): string {
    return this.key.vkey
  }

  append(leafHash: Uint8Array): number {
    this.leaves.push(leafHash)
    return this.leaves.length - 1
  }

  async appendCard(jws: string, kid: string, nbf: number): Promise<number> {
    return this.append(hashLeaf(await credentialLeaf(jws, kid, nbf)))
  }

  /** Filler leaves, so that buckets and tiles are not trivial. */
  fill(n: number): void {
    for (let i = 0; i < n; i++) {
      const bytes = new Uint8Array(40)
      new DataView(bytes.buffer).setUint32(0, this.leaves.length)
      this.append(hashLeaf(bytes))
    }
  }

  async checkpoint(size = this.leaves.length, time = NOW - 60): Promise<string> {
    const text = checkpointText({
      origin: this.origin,
      size: BigInt(size),
      root: rootFromLeafHashes(this.leaves.slice(0, size)),
      time,
    })
    return signNote(text, [await createSigner(this.key)])
  }

  tile(tile: Tile): Uint8Array {
    const span = 1 << (TILE_HEIGHT * tile.level)
    const first = Number(tile.index) * 256
    const hashes = Array.from({ length: tile.width }, (_, i) => {
      const start = (first + i) * span
      return rootFromLeafHashes(this.leaves.slice(start, start + span))
    })
    return concatBytes(...hashes)
  }

  source(
    options: {
      asOf?: number
      latest?: () => Promise<string>
      tiles?: (t: Tile) => Uint8Array
    } = {},
  ): LedgerSource {
    return {
      lookup: async (prefix) => {
        this.lookups.push(prefix)
        const matches = this.leaves
          .map((h, i) => ({ leafHash: toHex(h), index: String(i) }))
          .filter((m) => m.leafHash.startsWith(prefix))
        return options.asOf === undefined ? { matches } : { matches, asOf: options.asOf }
      },
      readTiles: async (tiles) =>
        tiles.map((t) => {
          this.tileReads.push(`${t.level}/${t.index}/${t.width}`)
          return options.tiles?.(t) ?? this.tile(t)
        }),
      ...(options.latest === undefined ? {} : { latestCheckpoint: options.latest }),
      consistencyProof: (first, second) =>
        proveConsistency(first, second, async (nodes) =>
          nodes.map((n) => {
            const span = 2 ** n.level
            const lo = Number(n.index) * span
            return rootFromLeafHashes(this.leaves.slice(lo, lo + span))
          }),
        ),
    }
  }
}

export function issuerEntry(
  issuer: TestIssuer,
  options: { anchored?: boolean; crl?: unknown; jwk?: Record<string, unknown> } = {},
): TrustedIssuer {
  const crl = 'crl' in options ? options.crl : { kid: issuer.kid, method: 'rid', ctr: 1, rids: [] }
  return {
    iss: issuer.iss,
    name: issuer.name,
    anchored: options.anchored ?? true,
    jwks: { keys: [options.jwk ?? issuer.jwk] },
    crls: crl === null ? {} : { [issuer.kid]: crl },
  }
}

export async function material(
  log: MemoryLog,
  issuers: TrustedIssuer[],
  options: {
    issuedAt?: number
    checkpoint?: string
    policy?: Policy
    deployment?: string
  } = {},
): Promise<{ jws: string; opened: OpenedTrustMaterial; value: TrustMaterial }> {
  const value: TrustMaterial = {
    format: TRUST_MATERIAL_FORMAT,
    deployment: options.deployment ?? 'https://vigil.test',
    issuedAt: options.issuedAt ?? NOW - 120,
    log: { origin: log.origin, vkey: log.vkey },
    policy: formatPolicy(
      options.policy ?? { logs: [{ vkey: log.vkey }], witnesses: [], quorum: 'none' },
    ),
    checkpoint: options.checkpoint ?? (await log.checkpoint()),
    issuers,
  }
  const jws = await signTrustMaterial(value, log.privateKey)
  return { jws, opened: await openTrustMaterial(jws, log.vkey), value }
}

/** Re-signs a card's payload unchanged but with one byte of the signature flipped, etc. */
export function flipSignature(jws: string): string {
  const [h, p, s = ''] = jws.split('.')
  const last = s.at(-2) === 'A' ? 'B' : 'A'
  return `${h}.${p}.${s.slice(0, -2)}${last}${s.at(-1)}`
}

export { toBase64Url }
