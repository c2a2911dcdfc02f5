/**
 * @module core/verify/trust-material
 * Trust material: what a verifier needs from one Vigil deployment, as one signed, cacheable
 * document. The JSON (format `vigil-trust/v1`) holds the trusted issuers (iss → JWK Set and CRLs,
 * this deployment's own issuer and those an admin configured), the log's verifier key and witness
 * policy (c2sp.org/tlog-policy text) and the latest signed checkpoint. It travels as a compact
 * JWS (RFC 7515) signed EdDSA (Ed25519) with the log's key: a verifier pins the log's vkey once
 * and can then take the material from any cache, CDN or offline copy.
 *
 * Key separation: the log key also signs checkpoint notes, whose signed bytes always end in a
 * newline; a JWS signing input (`base64url.base64url`) never holds one, so neither can be
 * replayed as the other.
 */
import { CompactSign, compactVerify, importJWK } from 'jose'
import type { DccRulesRelease, DccValueSetsRelease } from '../certlogic/index.ts'
import { fromUtf8, isJsonObject, toBase64Url, toHex, utf8 } from '../codec/index.ts'
import type { Policy } from '../note/index.ts'
import {
  formatKeyId,
  parseNote,
  parsePolicy,
  parseVerifierKey,
  SIG_ED25519,
} from '../note/index.ts'
import { checkIssuerUrl, isLoopbackHttpOrigin } from '../shc/index.ts'
import { VerifyError } from './errors.ts'

export const TRUST_MATERIAL_FORMAT = 'vigil-trust/v1'
/** The JWS `typ` header of signed trust material. */
export const TRUST_MATERIAL_TYP = 'vigil-trust+json'
/** Served as `application/jose` (RFC 7515 §9.2.1: compact serialization). */
export const TRUST_MATERIAL_MEDIA_TYPE = 'application/jose'

/** CRLs can be long (11-character rids): bound the document, not the count of revocations. */
export const MAX_TRUST_MATERIAL_LENGTH = 32 * 1024 * 1024
const MAX_ISSUERS = 1000
const MAX_NAME = 200

export interface TrustedIssuer {
  /** The SHC `iss` (https URL without trailing '/'; loopback http only on a loopback deployment). */
  readonly iss: string
  readonly name: string
  /**
   * True when this deployment anchors the issuer's cards in its log (its own issuer): the
   * verifier then requires ledger inclusion. False for other SHC issuers an admin trusts.
   */
  readonly anchored: boolean
  /** The issuer's JWK Set (unrelated keys allowed; the card's kid selects one). */
  readonly jwks: { readonly keys: readonly unknown[] }
  /** CRLs by kid, `{kid, method: "rid", ctr, rids}` (checked when used). */
  readonly crls: Readonly<Record<string, unknown>>
  /**
   * Rids by kid whose cards were revoked because the issuer replaced them with a newer card
   * (a correction). The CRL stays as SHC 1.4 §Revocation defines it, with no reason; this list
   * only names why a revoked card is revoked, it never revokes anything by itself.
   */
  readonly superseded?: Readonly<Record<string, readonly string[]>>
}

/**
 * The latest release of the authority's entry rule sets (core/rules): the exact published text
 * and the ledger entry committing to it (`verifier-release`, key id `rules:<release>`, artefact
 * SHA-256 of the text), so a venue can rebuild the leaf and prove which rules it applied.
 */
export interface RuleRelease {
  readonly release: number
  readonly text: string
  /** Hex SHA-256 of the UTF-8 text. */
  readonly sha256: string
  /** The ledger index of its entry, null while it waits to be integrated. */
  readonly leafIndex: number | null
  /** The entry's time (POSIX seconds, a whole hour). */
  readonly entryTime: number
}

/** A display name for an SHC issuer from the authority's directory (trusted or not). */
export interface DirectoryEntry {
  readonly iss: string
  readonly name: string
  readonly website?: string
  readonly canonicalIss?: string
}

/**
 * One shard of the deployment's log (docs/LEDGER.md "Shards"): each is its own log with its own
 * origin and key; a frozen one is read-only, with its final size and final (cosigned) checkpoint.
 * Its API is `<deployment>/log/<id>/…`.
 */
export interface LogShard {
  readonly id: number
  readonly origin: string
  /** Signed-note verifier key, named for the origin. */
  readonly vkey: string
  readonly state: 'active' | 'frozen'
  /** POSIX seconds. */
  readonly periodStart: number
  readonly periodEnd: number | null
  /** Decimal tree size: no checkpoint of this origin past it is valid (frozen shards only). */
  readonly finalSize: string | null
  /** The final checkpoint with its cosignatures (frozen shards only). */
  readonly checkpoint?: string
}

export interface TrustMaterial {
  readonly format: typeof TRUST_MATERIAL_FORMAT
  /** The deployment's public URL: its log API lives under `<deployment>/log/`. */
  readonly deployment: string
  /** When the service assembled this material (POSIX seconds): the age of everything in it. */
  readonly issuedAt: number
  /** The log: its origin line and signed-note verifier key. */
  readonly log: { readonly origin: string; readonly vkey: string }
  /** c2sp.org/tlog-policy text: the log key, the witnesses and the quorum. */
  readonly policy: string
  /** The latest signed checkpoint note when the material was assembled. */
  readonly checkpoint: string
  /**
   * Every shard of the log, oldest first (absent while it was never rotated). `log` is the
   * active one; a card is looked for in each shard the verifier trusts through this list.
   */
  readonly shards?: readonly LogShard[]
  readonly issuers: readonly TrustedIssuer[]
  /** Entry rule sets (absent until the authority publishes some); opened with core/rules. */
  readonly rules?: RuleRelease
  /** Issuer display names (absent until a directory is imported). */
  readonly directory?: readonly DirectoryEntry[]
  /**
   * EU DCC business rules, the latest import per country of arrival (absent until one is
   * imported); opened with core/certlogic openDccRulesRelease.
   */
  readonly dccRules?: readonly DccRulesRelease[]
  /** The EU value sets those rules read (absent until imported); openDccValueSetsRelease. */
  readonly dccValueSets?: DccValueSetsRelease
}

export interface OpenedTrustMaterial extends TrustMaterial {
  /** The parsed witness policy. */
  readonly policyValue: Policy
  /** The signed document as received (for caches). */
  readonly jws: string
}

function format(message: string, field?: string): VerifyError {
  return new VerifyError('VERIFY_TRUST_FORMAT', message, { field })
}

/**
 * A deployment base URL, spelled like an SHC `iss` (its own issuer's): https without a trailing
 * slash, query or fragment (a path is allowed), or http on a loopback host for development.
 */
export function checkDeploymentUrl(url: unknown): string {
  try {
    return checkIssuerUrl(url, { allowLoopbackHttp: true })
  } catch {
    throw format('deployment must be an https URL without a trailing slash', 'deployment')
  }
}

function checkIssuer(value: unknown, i: number, loopback: boolean): TrustedIssuer {
  const field = `issuers[${i}]`
  if (!isJsonObject(value)) throw format('issuer is not an object', field)
  let iss: string
  try {
    iss = checkIssuerUrl(value.iss, { allowLoopbackHttp: loopback })
  } catch {
    throw format('issuer iss is not an SHC issuer URL', `${field}.iss`)
  }
  const { name, anchored, jwks, crls } = value
  if (typeof name !== 'string' || name === '' || name.length > MAX_NAME) {
    throw format('issuer name must be 1-200 characters', `${field}.name`)
  }
  if (typeof anchored !== 'boolean') throw format('anchored must be a boolean', `${field}.anchored`)
  if (!isJsonObject(jwks) || !Array.isArray(jwks.keys)) {
    throw format('jwks must be a JWK Set', `${field}.jwks`)
  }
  if (!isJsonObject(crls)) throw format('crls must be an object by kid', `${field}.crls`)
  const superseded =
    value.superseded === undefined ? {} : { superseded: checkSuperseded(value.superseded, field) }
  return { iss, name, anchored, jwks: { keys: jwks.keys }, crls, ...superseded }
}

const RID = /^[A-Za-z0-9_-]{1,64}$/

function checkSuperseded(value: unknown, field: string): Record<string, string[]> {
  if (!isJsonObject(value))
    throw format('superseded must be an object by kid', `${field}.superseded`)
  const out: Record<string, string[]> = {}
  for (const [kid, rids] of Object.entries(value)) {
    if (!Array.isArray(rids) || !rids.every((r) => typeof r === 'string' && RID.test(r))) {
      throw format('superseded lists rids by kid', `${field}.superseded.${kid}`)
    }
    out[kid] = rids as string[]
  }
  return out
}

const MAX_DIRECTORY = 5000
const MAX_SHARDS = 1000
const SECONDS = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

function checkShards(value: unknown, log: { origin: string; vkey: string }): LogShard[] {
  if (!Array.isArray(value) || value.length > MAX_SHARDS)
    throw format(`shards must be a list of at most ${MAX_SHARDS}`, 'shards')
  const out = value.map((e, i): LogShard => {
    const field = `shards[${i}]`
    if (!isJsonObject(e)) throw format('a shard is an object', field)
    const { id, origin, vkey, state, periodStart, periodEnd, finalSize, checkpoint } = e
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1)
      throw format('shard id must be a positive integer', `${field}.id`)
    if (typeof origin !== 'string' || typeof vkey !== 'string')
      throw format('a shard needs origin and vkey', field)
    let named: string
    try {
      named = parseVerifierKey(vkey).name
    } catch {
      throw format('shard vkey is not a verifier key', `${field}.vkey`)
    }
    if (named !== origin) throw format('a shard key must be named for its origin', `${field}.vkey`)
    if (state !== 'active' && state !== 'frozen')
      throw format('shard state is active or frozen', `${field}.state`)
    if (!SECONDS(periodStart) || !(periodEnd === null || SECONDS(periodEnd)))
      throw format('shard period is POSIX seconds', `${field}.periodStart`)
    const frozen = state === 'frozen'
    if (frozen !== (typeof finalSize === 'string' && /^(0|[1-9][0-9]{0,19})$/.test(finalSize)))
      throw format('a frozen shard, and only one, has a decimal finalSize', `${field}.finalSize`)
    if (frozen !== (typeof checkpoint === 'string'))
      throw format('a frozen shard, and only one, has its final checkpoint', `${field}.checkpoint`)
    if (!frozen && (origin !== log.origin || vkey !== log.vkey))
      throw format('the active shard must be the log', field)
    return {
      id,
      origin,
      vkey,
      state,
      periodStart: periodStart as number,
      periodEnd: periodEnd as number | null,
      finalSize: frozen ? (finalSize as string) : null,
      ...(frozen ? { checkpoint: checkpoint as string } : {}),
    }
  })
  if (new Set(out.map((s) => s.id)).size !== out.length)
    throw format('a shard is listed twice', 'shards')
  return out
}

function checkRules(value: unknown): RuleRelease {
  const field = 'rules'
  if (!isJsonObject(value)) throw format('rules must be an object', field)
  const { release, text, sha256, leafIndex, entryTime } = value
  if (typeof release !== 'number' || !Number.isSafeInteger(release) || release < 1) {
    throw format('rules.release must be a positive integer', `${field}.release`)
  }
  if (typeof text !== 'string') throw format('rules.text must be text', `${field}.text`)
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) {
    throw format('rules.sha256 must be 64 hex digits', `${field}.sha256`)
  }
  if (leafIndex !== null && (typeof leafIndex !== 'number' || !Number.isSafeInteger(leafIndex))) {
    throw format('rules.leafIndex must be an index or null', `${field}.leafIndex`)
  }
  if (typeof entryTime !== 'number' || !Number.isSafeInteger(entryTime)) {
    throw format('rules.entryTime must be POSIX seconds', `${field}.entryTime`)
  }
  return { release, text, sha256, leafIndex, entryTime }
}

function checkDirectory(value: unknown): DirectoryEntry[] {
  if (!Array.isArray(value) || value.length > MAX_DIRECTORY) {
    throw format(`directory must be a list of at most ${MAX_DIRECTORY}`, 'directory')
  }
  return value.map((e, i) => {
    const field = `directory[${i}]`
    if (!isJsonObject(e) || typeof e.iss !== 'string' || typeof e.name !== 'string') {
      throw format('a directory entry needs iss and name', field)
    }
    if (e.name === '' || e.name.length > MAX_NAME) throw format('name: 1-200 characters', field)
    const website = typeof e.website === 'string' ? { website: e.website } : {}
    const canonical = typeof e.canonicalIss === 'string' ? { canonicalIss: e.canonicalIss } : {}
    return { iss: e.iss, name: e.name, ...website, ...canonical }
  })
}

const MAX_DCC_RULE_COUNTRIES = 300

/** release, text, sha256, leafIndex, entryTime: a logged text as the material carries it. */
function checkLoggedText(e: Record<string, unknown>, field: string): DccValueSetsRelease {
  const { release, text, sha256, leafIndex, entryTime } = e
  if (typeof release !== 'number' || !Number.isSafeInteger(release) || release < 1) {
    throw format('release must be a positive integer', `${field}.release`)
  }
  if (typeof text !== 'string') throw format('text must be text', `${field}.text`)
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) {
    throw format('sha256 must be 64 hex digits', `${field}.sha256`)
  }
  if (leafIndex !== null && (typeof leafIndex !== 'number' || !Number.isSafeInteger(leafIndex))) {
    throw format('leafIndex must be an index or null', `${field}.leafIndex`)
  }
  if (typeof entryTime !== 'number' || !Number.isSafeInteger(entryTime)) {
    throw format('entryTime must be POSIX seconds', `${field}.entryTime`)
  }
  return { release, text, sha256, leafIndex, entryTime }
}

function checkDccValueSets(value: unknown): DccValueSetsRelease {
  if (!isJsonObject(value)) throw format('dccValueSets must be an object', 'dccValueSets')
  return checkLoggedText(value, 'dccValueSets')
}

function checkDccRules(value: unknown): DccRulesRelease[] {
  if (!Array.isArray(value) || value.length > MAX_DCC_RULE_COUNTRIES) {
    throw format(`dccRules must be a list of at most ${MAX_DCC_RULE_COUNTRIES}`, 'dccRules')
  }
  const out = value.map((e, i): DccRulesRelease => {
    const field = `dccRules[${i}]`
    if (!isJsonObject(e) || typeof e.country !== 'string' || !/^[A-Z]{2}$/.test(e.country)) {
      throw format('a DCC rule release needs its country (two capitals)', field)
    }
    return { country: e.country, ...checkLoggedText(e, field) }
  })
  if (new Set(out.map((r) => r.country)).size !== out.length) {
    throw format('a country is listed twice', 'dccRules')
  }
  return out
}

/** Structural check of the material's JSON (attacker-controlled until its signature verified). */
export function checkTrustMaterial(value: unknown): TrustMaterial {
  if (!isJsonObject(value)) throw format('trust material is not a JSON object')
  if (value.format !== TRUST_MATERIAL_FORMAT) {
    throw format(`format must be ${TRUST_MATERIAL_FORMAT}`, 'format')
  }
  const deployment = checkDeploymentUrl(value.deployment)
  const { issuedAt, log, policy, checkpoint, issuers } = value
  if (typeof issuedAt !== 'number' || !Number.isSafeInteger(issuedAt) || issuedAt < 0) {
    throw format('issuedAt must be POSIX seconds', 'issuedAt')
  }
  if (!isJsonObject(log) || typeof log.origin !== 'string' || typeof log.vkey !== 'string') {
    throw format('log must hold origin and vkey', 'log')
  }
  if (typeof policy !== 'string') throw format('policy must be tlog-policy text', 'policy')
  if (typeof checkpoint !== 'string') throw format('checkpoint must be a signed note', 'checkpoint')
  try {
    parseNote(checkpoint)
  } catch {
    throw format('checkpoint is not a signed note', 'checkpoint')
  }
  if (!Array.isArray(issuers) || issuers.length > MAX_ISSUERS) {
    throw format(`issuers must be a list of at most ${MAX_ISSUERS}`, 'issuers')
  }
  const loopback = isLoopbackHttpOrigin(deployment)
  const checked = issuers.map((v, i) => checkIssuer(v, i, loopback))
  if (new Set(checked.map((x) => x.iss)).size !== checked.length) {
    throw format('an issuer is listed twice', 'issuers')
  }
  return {
    format: TRUST_MATERIAL_FORMAT,
    deployment,
    issuedAt,
    log: { origin: log.origin, vkey: log.vkey },
    policy,
    checkpoint,
    ...(value.shards === undefined
      ? {}
      : { shards: checkShards(value.shards, { origin: log.origin, vkey: log.vkey }) }),
    issuers: checked,
    ...(value.rules === undefined ? {} : { rules: checkRules(value.rules) }),
    ...(value.directory === undefined ? {} : { directory: checkDirectory(value.directory) }),
    ...(value.dccRules === undefined ? {} : { dccRules: checkDccRules(value.dccRules) }),
    ...(value.dccValueSets === undefined
      ? {}
      : { dccValueSets: checkDccValueSets(value.dccValueSets) }),
  }
}

/** `name+hex8`: the signed-note key reference of a vkey, used as the JWS `kid`. */
export function keyRef(vkey: string): string {
  const key = parseVerifierKey(vkey)
  return `${key.name}+${formatKeyId(key.keyId)}`
}

/** Signs material with the log's Ed25519 key (`privateKey`, whose public half is `vkey`). */
export async function signTrustMaterial(
  material: TrustMaterial,
  privateKey: CryptoKey,
): Promise<string> {
  const checked = checkTrustMaterial(material)
  return new CompactSign(utf8(JSON.stringify(checked)))
    .setProtectedHeader({ alg: 'EdDSA', typ: TRUST_MATERIAL_TYP, kid: keyRef(checked.log.vkey) })
    .sign(privateKey)
}

/** The pinned log vkey as an Ed25519 verification key (VERIFY_TRUST_SIGNATURE if it is not). */
export async function importVkey(vkey: string): Promise<CryptoKey> {
  let key: ReturnType<typeof parseVerifierKey>
  try {
    key = parseVerifierKey(vkey)
  } catch (cause) {
    throw new VerifyError('VERIFY_TRUST_SIGNATURE', 'the pinned log key is not a vkey', { cause })
  }
  if (key.type !== SIG_ED25519) {
    throw new VerifyError('VERIFY_TRUST_SIGNATURE', 'the pinned log key is not Ed25519')
  }
  const jwk = { kty: 'OKP', crv: 'Ed25519', x: toBase64Url(key.publicKey) }
  return (await importJWK(jwk, 'EdDSA')) as CryptoKey
}

/**
 * Verifies signed material with the pinned log `vkey` and checks it: the signature, `typ` and
 * `kid`, the JSON, that the material names this very key as its log's, that the origin is the
 * key's name, and that the witness policy lists the key. Throws VerifyError.
 */
export async function openTrustMaterial(jws: string, vkey: string): Promise<OpenedTrustMaterial> {
  if (typeof jws !== 'string' || jws.length > MAX_TRUST_MATERIAL_LENGTH) {
    throw new VerifyError('VERIFY_TRUST_SIGNATURE', 'trust material is not a compact JWS')
  }
  const key = await importVkey(vkey)
  let verified: Awaited<ReturnType<typeof compactVerify>>
  try {
    verified = await compactVerify(jws.trim(), key, { algorithms: ['EdDSA'] })
  } catch (cause) {
    throw new VerifyError(
      'VERIFY_TRUST_SIGNATURE',
      'trust material signature does not verify with the log key',
      { cause },
    )
  }
  const header = verified.protectedHeader
  if (header.typ !== TRUST_MATERIAL_TYP || header.kid !== keyRef(vkey)) {
    throw format('unexpected typ or kid in the trust material header', 'header')
  }
  let json: unknown
  try {
    json = JSON.parse(fromUtf8(verified.payload))
  } catch {
    throw format('trust material payload is not UTF-8 JSON')
  }
  const material = checkTrustMaterial(json)
  if (material.log.vkey !== vkey) {
    throw new VerifyError(
      'VERIFY_TRUST_KEY_MISMATCH',
      'the material names another log key than the one that signed it',
      { field: 'log.vkey' },
    )
  }
  const pinned = parseVerifierKey(vkey)
  if (material.log.origin !== pinned.name) {
    throw format('the log origin must be the name of its key', 'log.origin')
  }
  let policyValue: Policy
  try {
    policyValue = parsePolicy(material.policy)
  } catch (cause) {
    throw new VerifyError('VERIFY_TRUST_FORMAT', 'the witness policy is malformed', {
      field: 'policy',
      cause,
    })
  }
  const listed = policyValue.logs.some(
    (log) => toHex(parseVerifierKey(log.vkey).publicKey) === toHex(pinned.publicKey),
  )
  if (!listed) throw format('the witness policy does not list the log key', 'policy')
  return { ...material, policyValue, jws: jws.trim() }
}
