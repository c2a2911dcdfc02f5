/**
 * @module core/verify/verify
 * Scanned text + trust material + now → Verdict. The checks undo the issuer's steps (SHC 1.4), then
 * Vigil's ledger: format (QR/JWS/file, header, bounded inflate, claims) → issuer known (the
 * card's own `iss` in the trust material, key by `kid`) → ES256 signature → not expired → not
 * revoked (the key's CRL) → checkpoint signed by the log → witness policy met → in the ledger
 * (k-anonymous lookup, inclusion proof from tiles). Each check says pass, fail, unknown (data
 * missing, stale or unreachable) or skipped, with a code and the time of its data.
 *
 * The verdict: `invalid` when the card itself fails (format, issuer, signature, expiry,
 * revocation, or a signed card missing from the ledger), or when the log is caught lying (a bad
 * cosignature from a policy witness, or a fork against a checkpoint verified before, kept in the
 * VerifyCache); else `cannot-confirm` when anything is unknown or the log's checkpoint or
 * witnesses fail (e.g. no quorum: the log's fault, not proof against the card); else `valid`. Nothing here fetches: trust material and the ledger source are passed in,
 * and time is a parameter, so the same module runs in the browser, in Node and in tests.
 */
import { readVigilExtensions } from '../checkpoint/index.ts'
import { equalBytes, utf8 } from '../codec/index.ts'
import { type CredentialSummary, summarise } from '../fhir/index.ts'
import { EntryError } from '../leaf/index.ts'
import { createTileTrust, MerkleError, type TileTrust, verifyConsistency } from '../merkle/index.ts'
import {
  compilePolicy,
  createEd25519Verifier,
  NoteError,
  openNote,
  parseCheckpoint,
  parseNote,
  verifyCheckpointWithPolicy,
} from '../note/index.ts'
import type { ShcPayload } from '../shc/index.ts'
import {
  CLOCK_SKEW_SECONDS,
  checkIssuerUrl,
  checkRevocation,
  checkShcClaims,
  decodeShcPayload,
  type Es256Verify,
  type ParsedShcJws,
  parseCrl,
  parseShcJws,
  type ShcCrl,
  ShcError,
  type ShcHeader,
  type ShcPublicJwk,
  selectIssuerKey,
  verifyShcSignature,
} from '../shc/index.ts'
import { type LogSnapshot, snapshotHasLeaf } from '../snapshot/index.ts'
import { decideVerdict } from './decide.ts'
import { VerifyError } from './errors.ts'
import { readScannedText, type ScannedCard } from './input.ts'
import {
  confirmLeafInclusion,
  credentialLeafHash,
  type LedgerSource,
  type Located,
  locateLeaf,
  proveLeafInclusion,
} from './ledger.ts'
import type { LogShard, OpenedTrustMaterial, TrustedIssuer } from './trust-material.ts'
import {
  type CardFacts,
  CHECK_IDS,
  type Check,
  type CheckCode,
  type CheckId,
  type CheckResult,
  type CoreCheckCode,
  type Verdict,
  type VerifyCheckCode,
} from './types.ts'
import { type DccVerifyOptions, verifyDcc } from './verify-dcc.ts'

export interface VerifyOptions {
  /** Verified trust material of every deployment the verifier trusts (see openTrustMaterial). */
  readonly trust: readonly OpenedTrustMaterial[]
  /** POSIX seconds. */
  readonly now: number
  /** Trust material older than this many seconds makes issuer and revocation `unknown`. */
  readonly maxAge?: number
  /** The ledger of a deployment (undefined: inclusion cannot be confirmed). */
  readonly ledger?: (material: OpenedTrustMaterial) => LedgerSource | undefined
  /** Reuse verified checkpoints across calls (createVerifyCache). */
  readonly cache?: VerifyCache
  /** The ES256 implementation (default WebCrypto; see core/shc/verify-signature.ts). */
  readonly es256?: Es256Verify
  /**
   * The device's offline snapshot of a deployment's log (core/snapshot), used only when the
   * ledger cannot be reached: the live lookup and inclusion proof always come first.
   */
  readonly snapshot?: (material: OpenedTrustMaterial) => LogSnapshot | undefined
  /** A snapshot older than this many seconds cannot vouch that a card is absent (default 7 days). */
  readonly snapshotMaxAge?: number
  /**
   * Trusted EU DCC signer certificates (and revocation lists): with them, `HC1:` text is
   * verified (verify-dcc.ts); without them it is named and refused (VERIFY_INPUT_DCC).
   */
  readonly dcc?: Omit<DccVerifyOptions, 'now'>
}

/** `HC1:` at the start, as a scanner or a paste gives it. */
const HC1_TEXT = /^\s*HC1:/

export const DEFAULT_SNAPSHOT_MAX_AGE = 7 * 86_400
/**
 * A card issued this long before a checkpoint may still be missing from it: its leaf is queued
 * at issuance and a checkpoint signed meanwhile for an earlier batch can leave it out.
 */
export const SNAPSHOT_MARGIN_SECONDS = 300

interface CheckpointOutcome {
  readonly ok: boolean
  readonly size: bigint
  readonly root: Uint8Array
  readonly checkpoint: Check
  readonly witnesses: Check
  /** The tree head the log signed (even when the witnesses fail): what a fork is judged on. */
  readonly signed?: { readonly size: bigint; readonly root: Uint8Array }
}

/** The largest fully verified tree head seen for one log (origin and key). */
export interface VerifiedHead {
  readonly size: bigint
  readonly root: Uint8Array
}

export interface VerifyCache {
  readonly checkpoints: Map<string, Promise<CheckpointOutcome>>
  /** Checked issuer keys by key set (the material's object) and kid. */
  readonly keys: WeakMap<object, Map<string, Promise<ShcPublicJwk>>>
  /**
   * Per log (`origin\nvkey`): the largest checkpoint verified before. A later one must be
   * consistent with it (same size: same root; else a consistency proof from the log).
   */
  readonly heads: Map<string, VerifiedHead>
  /** Tiles authenticated for earlier cards, per tree, and their in-tile nodes. */
  readonly tiles?: TileTrust
}

export function createVerifyCache(): VerifyCache {
  return { checkpoints: new Map(), keys: new WeakMap(), heads: new Map(), tiles: createTileTrust() }
}

/** selectIssuerKey, remembered per key set and kid (failures are not kept). */
function selectKeyCached(
  jwks: TrustedIssuer['jwks'],
  kid: string,
  cache: VerifyCache | undefined,
): Promise<ShcPublicJwk> {
  if (cache === undefined) return selectIssuerKey(jwks, kid)
  let byKid = cache.keys.get(jwks)
  if (byKid === undefined) {
    byKid = new Map()
    cache.keys.set(jwks, byKid)
  }
  let key = byKid.get(kid)
  if (key === undefined) {
    key = selectIssuerKey(jwks, kid)
    byKid.set(kid, key)
    key.catch(() => byKid?.delete(kid))
  }
  return key
}

/** Cosignature and policy failures: the log signed, the witnesses did not (enough). */
const WITNESS_CODES = new Set<CheckCode>([
  'COSIGNATURE_BAD',
  'COSIGNATURE_FUTURE',
  'COSIGNATURE_MALFORMED',
  'POLICY_NOT_MET',
])
const MAX_CACHED_CHECKPOINTS = 64

/** The code of a core error the verifier's steps throw (see CoreCheckCode); else undefined. */
function coreCodeOf(err: unknown): CoreCheckCode | undefined {
  if (
    err instanceof ShcError ||
    err instanceof NoteError ||
    err instanceof MerkleError ||
    err instanceof EntryError ||
    err instanceof VerifyError
  )
    return err.code
  return undefined
}

function codeOf(err: unknown, fallback: VerifyCheckCode = 'VERIFY_UNEXPECTED'): CheckCode {
  return coreCodeOf(err) ?? fallback
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function check(
  id: CheckId,
  result: CheckResult,
  code: CheckCode,
  message: string,
  extra: { asOf?: number | undefined; detail?: Record<string, string> } = {},
): Check {
  return {
    id,
    result,
    code,
    message,
    ...(extra.asOf === undefined ? {} : { asOf: extra.asOf }),
    ...(extra.detail === undefined ? {} : { detail: extra.detail }),
  }
}

function checkpointTime(note: string): number | undefined {
  try {
    return readVigilExtensions(parseCheckpoint(parseNote(note).text)).time
  } catch {
    return undefined
  }
}

/** The size of `note` when the shard's key signed it and it is past `finalSize`, else undefined. */
async function signedPast(
  note: string,
  material: OpenedTrustMaterial,
  finalSize: bigint,
): Promise<bigint | undefined> {
  try {
    const opened = await openNote(note, [await createEd25519Verifier(material.log.vkey)])
    const { size, origin } = parseCheckpoint(opened.text)
    return origin === material.log.origin && size > finalSize ? size : undefined
  } catch {
    return undefined
  }
}

async function runCheckpoint(
  note: string,
  material: OpenedTrustMaterial,
  now: number,
): Promise<CheckpointOutcome> {
  const time = checkpointTime(note)
  const finalSize = (material as ShardMaterial).finalSize
  const past = finalSize === undefined ? undefined : await signedPast(note, material, finalSize)
  if (past !== undefined) {
    // A frozen shard never grows, yet its own key signed a larger tree (docs/LEDGER.md "Shards"):
    // proof that the log, or whoever holds its key, lies. Judged on the log's signature alone,
    // before the witnesses (a forger need not have their cosignatures to show it).
    return {
      ok: false,
      size: 0n,
      root: new Uint8Array(32),
      checkpoint: check(
        'checkpoint',
        'fail',
        'VERIFY_SHARD_PAST_FINAL',
        `the log shard ${material.log.origin} is frozen at size ${finalSize}, yet a checkpoint of size ${past} is signed`,
        { asOf: time, detail: { size: String(past), finalSize: String(finalSize) } },
      ),
      witnesses: check('witnesses', 'skipped', 'VERIFY_NOT_CHECKED', 'the checkpoint failed'),
    }
  }
  let verified: Awaited<ReturnType<typeof verifyCheckpointWithPolicy>>
  try {
    verified = await verifyCheckpointWithPolicy(note, material.policyValue, {
      origin: material.log.origin,
      notAfter: BigInt(Math.floor(now) + CLOCK_SKEW_SECONDS),
    })
  } catch (err) {
    const code = codeOf(err)
    const empty = { size: 0n, root: new Uint8Array(32) }
    if (WITNESS_CODES.has(code)) {
      // The log's signature verified before any cosignature was looked at.
      const { size, root } = parseCheckpoint(parseNote(note).text)
      return {
        ok: false,
        ...empty,
        signed: { size, root },
        checkpoint: check('checkpoint', 'pass', 'VERIFY_CHECKPOINT_SIGNED', 'the log signed it', {
          asOf: time,
        }),
        witnesses: check('witnesses', 'fail', code, messageOf(err), { asOf: time }),
      }
    }
    return {
      ok: false,
      ...empty,
      checkpoint: check('checkpoint', 'fail', code, messageOf(err), { asOf: time }),
      witnesses: check('witnesses', 'skipped', 'VERIFY_NOT_CHECKED', 'the checkpoint failed'),
    }
  }
  const { size, root, origin } = verified.checkpoint
  const detail = { size: size.toString(), origin }
  const cosigned = verified.cosignatures.map((c) => Number(c.timestamp))
  const required = !compilePolicy(material.policyValue).isSatisfied(new Set())
  return {
    ok: true,
    size,
    root,
    signed: { size, root },
    checkpoint: check(
      'checkpoint',
      'pass',
      'VERIFY_CHECKPOINT_SIGNED',
      `the log ${origin} signed the checkpoint of size ${size}`,
      { asOf: time, detail },
    ),
    witnesses: required
      ? check(
          'witnesses',
          'pass',
          'VERIFY_WITNESS_QUORUM_MET',
          `${cosigned.length} witness cosignature(s) meet the policy`,
          {
            asOf: cosigned.length === 0 ? time : Math.min(...cosigned),
            detail: { count: String(cosigned.length) },
          },
        )
      : check(
          'witnesses',
          'pass',
          'VERIFY_WITNESSES_NOT_REQUIRED',
          "the log's policy requires no witness (quorum none)",
        ),
  }
}

function verifyCheckpointCached(
  note: string,
  material: OpenedTrustMaterial,
  now: number,
  cache: VerifyCache | undefined,
): Promise<CheckpointOutcome> {
  if (cache === undefined) return runCheckpoint(note, material, now)
  const key = `${material.policy}\n\n${note}`
  let outcome = cache.checkpoints.get(key)
  if (outcome === undefined) {
    if (cache.checkpoints.size >= MAX_CACHED_CHECKPOINTS) cache.checkpoints.clear()
    outcome = runCheckpoint(note, material, now)
    cache.checkpoints.set(key, outcome)
    // Only successes are kept: a failure is looked at again next time.
    outcome.then(
      (o) => {
        if (!o.ok) cache.checkpoints.delete(key)
      },
      () => cache.checkpoints.delete(key),
    )
  }
  return outcome
}

/**
 * Compares a log-signed tree head with the largest one verified before for the same log: equal
 * sizes need equal roots; otherwise the log's consistency proof must verify (when the source can
 * give one; unreachable is not proof of anything). A fork is a failed `checkpoint` check with
 * VERIFY_LOG_FORK. A fully verified head becomes the new reference.
 */
async function checkFork(
  cp: CheckpointOutcome,
  material: OpenedTrustMaterial,
  cache: VerifyCache | undefined,
  source: LedgerSource | undefined,
): Promise<Check | undefined> {
  const signed = cp.signed
  if (cache === undefined || signed === undefined) return undefined
  const key = `${material.log.origin}\n${material.log.vkey}`
  const head = cache.heads.get(key)
  const fork = (message: string) =>
    check('checkpoint', 'fail', 'VERIFY_LOG_FORK', message, {
      detail: { size: String(signed.size), seen: String(head?.size) },
    })
  if (head !== undefined) {
    if (head.size === signed.size) {
      if (!equalBytes(head.root, signed.root))
        return fork(`the log signed two different trees of size ${signed.size}`)
    } else if (source?.consistencyProof !== undefined) {
      const [a, b] = head.size < signed.size ? [head, signed] : [signed, head]
      let proof: Uint8Array[] | undefined
      try {
        proof = a.size === 0n ? undefined : await source.consistencyProof(a.size, b.size)
      } catch {
        proof = undefined // unreachable or refused: no evidence either way
      }
      if (proof !== undefined) {
        try {
          verifyConsistency(a.size, b.size, a.root, b.root, proof)
        } catch (err) {
          return fork(
            `the tree of size ${b.size} does not extend the one of size ${a.size} (${messageOf(err)})`,
          )
        }
      }
    }
  }
  if (cp.ok && (head === undefined || signed.size > head.size)) cache.heads.set(key, signed)
  return undefined
}

/** Collects the checks; the ones never set are `skipped`. */
class CheckList {
  readonly #checks = new Map<CheckId, Check>()

  set(c: Check): void {
    this.#checks.set(c.id, c)
  }

  add(...args: Parameters<typeof check>): void {
    this.set(check(...args))
  }

  get(id: CheckId): Check | undefined {
    return this.#checks.get(id)
  }

  /** Every check set so far (to copy one list's into another). */
  all(): Check[] {
    return [...this.#checks.values()]
  }

  list(skipCode: VerifyCheckCode, skipMessage: string): Check[] {
    return CHECK_IDS.map(
      (id) => this.#checks.get(id) ?? check(id, 'skipped', skipCode, skipMessage),
    )
  }
}

interface ReadCard {
  readonly scanned: ScannedCard
  /** The JWS parsed once (signature, payload) and as bytes (signing input, ledger leaf). */
  readonly parsed: ParsedShcJws
  readonly jwsBytes: Uint8Array
  readonly header: ShcHeader
  readonly payload: ShcPayload
  readonly iss: string
  readonly warnings: string[]
}

/** Format: the text, the JWS structure, the bounded payload and the claims' structure. */
async function readCard(text: string): Promise<ReadCard> {
  const scanned = readScannedText(text)
  const parsed = parseShcJws(scanned.jws)
  const { header, deflated } = parsed
  const decoded = await decodeShcPayload(deflated)
  const iss = checkIssuerUrl(decoded.claims.iss, { allowLoopbackHttp: true })
  // Structure is checked as of nbf, so that a card's age is the expiry check's business alone.
  const nbf = decoded.claims.nbf
  const at = typeof nbf === 'number' && Number.isFinite(nbf) && nbf >= 0 ? nbf : 0
  const claims = checkShcClaims(decoded.claims, at)
  const warnings = [
    ...scanned.warnings,
    ...decoded.warnings.map((w) => w.code),
    ...claims.warnings.map((w) => w.code),
  ]
  return {
    scanned,
    parsed,
    jwsBytes: utf8(scanned.jws),
    header,
    payload: claims.payload,
    iss,
    warnings,
  }
}

interface Chosen {
  readonly material: OpenedTrustMaterial
  readonly issuer: TrustedIssuer
  readonly jwk: ShcPublicJwk
}

/** A material's issuers by `iss`, in list order (the material's arrays live as long as it). */
const issuerIndexes = new WeakMap<readonly TrustedIssuer[], Map<string, TrustedIssuer[]>>()

function issuersOf(issuers: readonly TrustedIssuer[]): Map<string, TrustedIssuer[]> {
  let index = issuerIndexes.get(issuers)
  if (index === undefined) {
    index = new Map()
    for (const issuer of issuers) {
      const same = index.get(issuer.iss)
      if (same === undefined) index.set(issuer.iss, [issuer])
      else same.push(issuer)
    }
    issuerIndexes.set(issuers, index)
  }
  return index
}

/** The card's own `iss` in the trust material (anchored entries first), its key by `kid`. */
async function chooseIssuer(
  trust: readonly OpenedTrustMaterial[],
  iss: string,
  kid: string,
  cache: VerifyCache | undefined,
): Promise<{ chosen: Chosen } | { error: unknown; candidates: number }> {
  const candidates = trust
    .flatMap((material) =>
      (issuersOf(material.issuers).get(iss) ?? []).map((issuer) => ({ material, issuer })),
    )
    .sort((a, b) => Number(b.issuer.anchored) - Number(a.issuer.anchored))
  let error: unknown
  for (const c of candidates) {
    try {
      return { chosen: { ...c, jwk: await selectKeyCached(c.issuer.jwks, kid, cache) } }
    } catch (err) {
      error ??= err
    }
  }
  return { error, candidates: candidates.length }
}

/** Superseded rids as sets, per list (the material's arrays live as long as the material). */
const supersededSets = new WeakMap<readonly string[], Set<string>>()

function isSuperseded(issuer: TrustedIssuer, kid: string, rid: string): boolean {
  const list = issuer.superseded?.[kid]
  if (list === undefined) return false
  let set = supersededSets.get(list)
  if (set === undefined) {
    set = new Set(list)
    supersededSets.set(list, set)
  }
  return set.has(rid)
}

function revocationCheck(chosen: Chosen, payload: ShcPayload, stale: boolean): Check {
  const { material, issuer, jwk } = chosen
  const asOf = material.issuedAt
  const outcome = ((): Check => {
    if (jwk.crlVersion === undefined) {
      return check('revocation', 'pass', 'VERIFY_NO_CRL', 'the issuer keeps no CRL for this key', {
        asOf,
      })
    }
    const raw = issuer.crls[jwk.kid]
    if (raw === undefined) {
      return check('revocation', 'unknown', 'SHC_CRL_UNAVAILABLE', 'no CRL for this key', { asOf })
    }
    let crl: ShcCrl
    try {
      crl = parseCrl(raw, { kid: jwk.kid, crlVersion: jwk.crlVersion })
    } catch (err) {
      return check('revocation', 'unknown', codeOf(err), messageOf(err), { asOf })
    }
    const rid = payload.vc.rid
    if (rid === undefined) {
      return check('revocation', 'pass', 'VERIFY_NO_RID', 'the card carries no revocation id', {
        asOf,
      })
    }
    const status = checkRevocation({ rid, nbf: payload.nbf }, crl)
    if (status.revoked) {
      const detail = { entry: status.entry ?? rid, ctr: String(crl.ctr) }
      // Revoked by the CRL; the signed material may add that a newer card replaced it.
      if (isSuperseded(issuer, jwk.kid, rid)) {
        return check('revocation', 'fail', 'VERIFY_SUPERSEDED', 'a newer card replaced this one', {
          asOf,
          detail,
        })
      }
      return check('revocation', 'fail', 'SHC_REVOKED', 'the issuer has revoked this card', {
        asOf,
        detail,
      })
    }
    return check('revocation', 'pass', 'VERIFY_NOT_REVOKED', 'not in the revocation list', {
      asOf,
      detail: { ctr: String(crl.ctr) },
    })
  })()
  // A stale list cannot vouch that a card is not revoked; it still proves one that is.
  if (stale && outcome.result !== 'fail') {
    return check('revocation', 'unknown', 'VERIFY_DATA_STALE', 'the revocation list is too old', {
      asOf,
    })
  }
  return outcome
}

/**
 * The ledger check from the offline snapshot, or undefined without a usable one. A leaf whose
 * 96-bit prefix is in the snapshot was logged (a logged card stays logged, whatever the
 * snapshot's age); one missing from a snapshot taken after the card's `nbf` was never logged;
 * otherwise the card may be newer than the copy, and only a fresher one can tell.
 */
function snapshotCheck(
  material: OpenedTrustMaterial,
  leafHash: Uint8Array,
  nbf: number,
  options: VerifyOptions,
): Check | undefined {
  const snapshot = options.snapshot?.(material)
  if (snapshot === undefined || snapshot.origin !== material.log.origin) return undefined
  const { now } = options
  const asOf = snapshot.time
  const age = Math.max(0, now - asOf)
  const detail = { source: 'snapshot', size: snapshot.size.toString(), age: String(age) }
  const found = snapshotHasLeaf(snapshot, leafHash)
  // Issued before the copy yet absent from it: never logged, however old the copy (a forgery
  // signed with a real key, say).
  if (!found && nbf <= asOf - SNAPSHOT_MARGIN_SECONDS) {
    return check(
      'ledger',
      'fail',
      'VERIFY_LEDGER_NOT_FOUND',
      "issued before this device's copy of the ledger, yet not in it",
      { asOf, detail },
    )
  }
  // Past the venue's limit a copy confirms nothing: the venue asked for fresher evidence.
  if (age > (options.snapshotMaxAge ?? DEFAULT_SNAPSHOT_MAX_AGE)) {
    return check(
      'ledger',
      'unknown',
      'VERIFY_SNAPSHOT_STALE',
      "this device's copy of the ledger is too old",
      { asOf, detail },
    )
  }
  if (found) {
    return check(
      'ledger',
      'pass',
      'VERIFY_LEDGER_INCLUDED',
      `in this device's copy of the ledger (${snapshot.size} entries)`,
      { asOf, detail },
    )
  }
  return check(
    'ledger',
    'unknown',
    'VERIFY_SNAPSHOT_NEWER',
    "the card is newer than this device's copy of the ledger",
    { asOf, detail },
  )
}

/**
 * A frozen log shard seen as the material of its own log: its origin, its key (in the policy in
 * place of the active shard's, same witnesses and quorum), its final checkpoint and final size.
 */
interface ShardMaterial extends OpenedTrustMaterial {
  readonly finalSize?: bigint
}

function shardMaterial(material: OpenedTrustMaterial, shard: LogShard): ShardMaterial {
  return {
    ...material,
    log: { origin: shard.origin, vkey: shard.vkey },
    checkpoint: shard.checkpoint ?? '',
    policy: `${material.policy}\n#shard ${shard.id}`,
    policyValue: { ...material.policyValue, logs: [{ vkey: shard.vkey }] },
    finalSize: BigInt(shard.finalSize ?? '0'),
  }
}

/**
 * The ledger checks against every shard the material lists (docs/LEDGER.md "Shards"): the shard
 * whose period holds the card's nbf first, then the others, until one holds the card. A card in
 * no trusted shard is VERIFY_LEDGER_NOT_FOUND (as judged by the shard of its period); proof of a
 * lying log in any shard (a fork, a checkpoint past a final size) decides at once.
 */
async function shardedLedgerChecks(
  list: CheckList,
  card: ReadCard,
  chosen: Chosen,
  options: VerifyOptions,
): Promise<void> {
  const { material } = chosen
  const frozen = (material.shards ?? []).filter((s) => s.state === 'frozen')
  if (frozen.length === 0) return ledgerChecks(list, card, chosen, options)
  const all = options.ledger?.(material)
  // The active shard read at its own /log/<id>/ paths too: /log/tile/… names the active shard's
  // tiles, so after a rotation the same path names another shard's tile, and a verifier that
  // keeps tiles by URL (the page does, for good) would read the old shard's bytes there.
  const active = (material.shards ?? []).find((s) => s.state === 'active')
  const source = active === undefined ? all : (all?.shard?.(active.id) ?? all)
  const nbf = card.payload.nbf
  const lastEnd = Math.max(...frozen.map((s) => s.periodEnd ?? 0))
  const views = [
    { material, source, holds: nbf >= lastEnd },
    ...frozen.map((s) => ({
      material: shardMaterial(material, s) as OpenedTrustMaterial,
      source: all?.shard?.(s.id),
      holds: nbf >= s.periodStart && (s.periodEnd === null || nbf < s.periodEnd),
    })),
  ].sort((a, b) => Number(b.holds) - Number(a.holds))
  let first: CheckList | undefined
  for (const view of views) {
    const trial = new CheckList()
    await ledgerChecks(trial, card, { ...chosen, material: view.material }, options, view.source)
    const fraud = trial.all().some((c) => c.result === 'fail' && LOG_FRAUD.has(c.code))
    if (fraud || trial.get('ledger')?.code === 'VERIFY_LEDGER_INCLUDED') {
      for (const c of trial.all()) list.set(c)
      return
    }
    first ??= trial
  }
  for (const c of first?.all() ?? []) list.set(c)
}

const LOG_FRAUD = new Set<CheckCode>(['VERIFY_LOG_FORK', 'VERIFY_SHARD_PAST_FINAL'])

async function ledgerChecks(
  list: CheckList,
  card: ReadCard,
  chosen: Chosen,
  options: VerifyOptions,
  /** A shard's source (shardedLedgerChecks); by default the material's own. */
  shardSource?: LedgerSource,
): Promise<void> {
  const { material } = chosen
  const { now, cache } = options
  let cp = await verifyCheckpointCached(material.checkpoint, material, now, cache)
  list.set(cp.checkpoint)
  list.set(cp.witnesses)
  const unknown = (code: CheckCode, message: string, asOf?: number) =>
    list.add('ledger', 'unknown', code, message, { asOf })
  const source = shardSource ?? options.ledger?.(material)
  const fork = await checkFork(cp, material, cache, source)
  if (fork !== undefined) {
    list.set(fork)
    return unknown('VERIFY_CHECKPOINT_UNVERIFIED', 'the log forked: nothing it proves counts')
  }
  if (!cp.ok)
    return unknown('VERIFY_CHECKPOINT_UNVERIFIED', 'no verified checkpoint to prove against')
  const { payload, header } = card
  let leafHash: Uint8Array
  try {
    leafHash = await credentialLeafHash(card.jwsBytes, header.kid, payload.nbf)
  } catch (err) {
    // An nbf no leaf can hold (e.g. beyond 2^53 once rounded to the hour): never logged.
    list.add('ledger', 'fail', codeOf(err), messageOf(err))
    return
  }
  /** Out of reach of the live ledger: the offline snapshot decides when there is one. */
  const offline = (code: CheckCode, message: string, asOf?: number) => {
    const fromSnapshot = snapshotCheck(material, leafHash, payload.nbf, options)
    if (fromSnapshot !== undefined) return list.set(fromSnapshot)
    return unknown(code, message, asOf)
  }
  if (source === undefined) return offline('VERIFY_LEDGER_UNAVAILABLE', 'no access to the ledger')
  let located: Located
  try {
    located = await locateLeaf(source, leafHash)
  } catch (err) {
    return offline('VERIFY_LEDGER_UNAVAILABLE', `cannot reach the ledger: ${messageOf(err)}`)
  }
  const lookup = { prefix: located.prefix, bucket: String(located.bucketSize) }
  if (located.index === undefined) {
    if (located.asOf !== undefined && located.asOf < payload.nbf) {
      return offline(
        'VERIFY_LEDGER_NOT_YET',
        'the cached ledger answer predates the card',
        located.asOf,
      )
    }
    list.add('ledger', 'fail', 'VERIFY_LEDGER_NOT_FOUND', 'the card is not in the ledger', {
      asOf: located.asOf ?? now,
      detail: lookup,
    })
    return
  }
  const index = located.index
  if (index >= cp.size) {
    // Issued after the checkpoint at hand: a newer one must cover it.
    let note: string | undefined
    try {
      note = await source.latestCheckpoint?.()
    } catch {}
    if (note === undefined) {
      return offline('VERIFY_LEDGER_NOT_IN_CHECKPOINT', 'no checkpoint covers the entry yet')
    }
    cp = await verifyCheckpointCached(note, material, now, cache)
    list.set(cp.checkpoint)
    list.set(cp.witnesses)
    const later = await checkFork(cp, material, cache, source)
    if (later !== undefined) {
      list.set(later)
      return unknown('VERIFY_CHECKPOINT_UNVERIFIED', 'the log forked: nothing it proves counts')
    }
    if (!cp.ok) {
      return unknown('VERIFY_CHECKPOINT_UNVERIFIED', 'no verified checkpoint to prove against')
    }
    if (index >= cp.size) {
      return unknown('VERIFY_LEDGER_NOT_IN_CHECKPOINT', 'no checkpoint covers the entry yet')
    }
  }
  try {
    const trust = cache?.tiles
    if (trust === undefined) await proveLeafInclusion(source, leafHash, index, cp.size, cp.root)
    else await confirmLeafInclusion(source, leafHash, index, cp.size, cp.root, trust)
  } catch (err) {
    const code = coreCodeOf(err)
    if (code !== undefined) return unknown(code, messageOf(err))
    return offline('VERIFY_LEDGER_UNAVAILABLE', `cannot read the ledger tiles: ${messageOf(err)}`)
  }
  list.add('ledger', 'pass', 'VERIFY_LEDGER_INCLUDED', `in the ledger at index ${index}`, {
    asOf: cp.checkpoint.asOf,
    detail: { index: index.toString(), size: cp.size.toString(), ...lookup },
  })
}

/** Verifies one scanned, pasted or opened card. Never throws for a bad card. */
export async function verifyCredential(text: string, options: VerifyOptions): Promise<Verdict> {
  const { trust, now } = options
  if (options.dcc !== undefined && typeof text === 'string' && HC1_TEXT.test(text)) {
    return verifyDcc(text, { ...options.dcc, now })
  }
  const list = new CheckList()
  const newest = trust.reduce<number | undefined>(
    (t, m) => (t === undefined || m.issuedAt > t ? m.issuedAt : t),
    undefined,
  )
  const finish = (
    extra: {
      summary?: CredentialSummary
      card?: CardFacts
      warnings?: string[]
      asOf?: number
    },
    skipCode: VerifyCheckCode = 'VERIFY_NOT_CHECKED',
    skipMessage = 'not checked',
  ): Verdict => {
    const checks = list.list(skipCode, skipMessage)
    const dataAsOf = extra.asOf ?? newest
    return {
      ...decideVerdict(checks),
      checks,
      ...(extra.summary === undefined ? {} : { summary: extra.summary }),
      ...(extra.card === undefined ? {} : { card: extra.card }),
      ...(dataAsOf === undefined ? {} : { dataAsOf, dataAge: Math.max(0, now - dataAsOf) }),
      warnings: extra.warnings ?? [],
      now,
    }
  }

  let card: ReadCard
  try {
    card = await readCard(text)
  } catch (err) {
    list.add('format', 'fail', codeOf(err, 'VERIFY_INPUT_UNRECOGNISED'), messageOf(err))
    return finish({}, 'VERIFY_NOT_CHECKED', 'not checked: the card could not be read')
  }
  const { scanned, header, payload, iss, warnings } = card
  list.add('format', 'pass', 'VERIFY_FORMAT_OK', `a SMART Health Card (${scanned.source})`)

  if (trust.length === 0) {
    list.add('issuer', 'unknown', 'VERIFY_NO_TRUST', 'no trust material is loaded')
    return finish({ warnings })
  }
  const found = await chooseIssuer(trust, iss, header.kid, options.cache)
  if (!('chosen' in found)) {
    const skip = 'not checked: the issuer or its key is not trusted'
    if (found.candidates === 0) {
      list.add('issuer', 'fail', 'VERIFY_ISSUER_UNKNOWN', `${iss} is not a trusted issuer`, {
        asOf: newest,
        detail: { iss },
      })
    } else {
      list.add('issuer', 'fail', codeOf(found.error), messageOf(found.error), {
        asOf: newest,
        detail: { iss },
      })
    }
    return finish({ warnings }, 'VERIFY_NOT_CHECKED', skip)
  }
  const { chosen } = found
  const { material, issuer, jwk } = chosen
  const age = Math.max(0, now - material.issuedAt)
  const stale = options.maxAge !== undefined && age > options.maxAge
  const issuerDetail = { name: issuer.name, iss, deployment: material.deployment }
  if (stale) {
    list.add('issuer', 'unknown', 'VERIFY_DATA_STALE', 'the trusted issuer list is too old', {
      asOf: material.issuedAt,
      detail: issuerDetail,
    })
  } else {
    list.add('issuer', 'pass', 'VERIFY_ISSUER_TRUSTED', `${issuer.name} (${iss})`, {
      asOf: material.issuedAt,
      detail: issuerDetail,
    })
  }

  try {
    await verifyShcSignature(scanned.jws, jwk, card.parsed, options.es256, card.jwsBytes)
  } catch (err) {
    list.add('signature', 'fail', codeOf(err), messageOf(err))
    return finish(
      { warnings, asOf: material.issuedAt },
      'VERIFY_NOT_CHECKED',
      'not checked: the signature does not verify',
    )
  }
  list.add('signature', 'pass', 'VERIFY_SIGNATURE_VALID', 'ES256 signature valid', {
    detail: { kid: header.kid },
  })

  let summary: CredentialSummary | undefined
  try {
    summary = summarise(payload.vc.credentialSubject.fhirBundle)
  } catch (err) {
    list.add('format', 'unknown', 'VERIFY_CONTENT_UNREADABLE', messageOf(err))
  }
  const facts: CardFacts = {
    iss,
    kid: header.kid,
    nbf: payload.nbf,
    ...(payload.exp === undefined ? {} : { exp: payload.exp }),
    issuerName: issuer.name,
    deployment: material.deployment,
    source: scanned.source,
  }

  if (payload.nbf > now + CLOCK_SKEW_SECONDS) {
    list.add('expiry', 'fail', 'SHC_NBF_FUTURE', 'the card is not valid yet', { asOf: now })
  } else if (payload.exp !== undefined && now > payload.exp) {
    list.add('expiry', 'fail', 'SHC_EXPIRED', 'the card has expired', {
      asOf: now,
      detail: { exp: String(payload.exp) },
    })
  } else if (payload.exp === undefined) {
    list.add('expiry', 'pass', 'VERIFY_NO_EXPIRY', 'the card does not expire', { asOf: now })
  } else {
    list.add('expiry', 'pass', 'VERIFY_NOT_EXPIRED', 'not expired', {
      asOf: now,
      detail: { exp: String(payload.exp) },
    })
  }

  list.set(revocationCheck(chosen, payload, stale))

  if (!issuer.anchored) {
    const message = `${issuer.name} does not anchor its cards in a Vigil ledger`
    list.add('ledger', 'skipped', 'VERIFY_LEDGER_NOT_ANCHORED', message)
    list.add('checkpoint', 'skipped', 'VERIFY_LEDGER_NOT_ANCHORED', message)
    list.add('witnesses', 'skipped', 'VERIFY_LEDGER_NOT_ANCHORED', message)
  } else {
    await shardedLedgerChecks(list, card, chosen, options)
  }
  return finish({
    ...(summary === undefined ? {} : { summary }),
    card: facts,
    warnings,
    asOf: material.issuedAt,
  })
}
