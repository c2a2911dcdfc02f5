/**
 * core/verify: scanned text + trust material + now → Verdict, with a negative case for every
 * check code. The deployment is in memory (tests/unit/verify/fixtures.ts); the same module runs
 * in the verifier page.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { fromBase64Url, toBase64Url } from '../../../src/core/codec/base64.ts'
import { fromUtf8, utf8 } from '../../../src/core/codec/bytes.ts'
import { toHex } from '../../../src/core/codec/hex.ts'
import {
  addCosignatures,
  createCosigner,
  generateSignerKey,
  type Policy,
  SIG_COSIGNATURE_V1,
} from '../../../src/core/note/index.ts'
import {
  createHealthCardFile,
  deflateRaw,
  encodeShcQr,
  inflateRaw,
  signShcPayload,
} from '../../../src/core/shc/index.ts'
import { type LogSnapshot, syncSnapshot } from '../../../src/core/snapshot/index.ts'
import {
  type Check,
  type CheckCode,
  type CheckId,
  createVerifyCache,
  credentialLeafHash,
  DCC_CHECK_CODES,
  decideVerdict,
  type LedgerSource,
  VERIFY_CHECK_CODES,
  type Verdict,
  type VerifyCache,
  type VerifyOptions,
  verifyCredential as verifyCore,
} from '../../../src/core/verify/index.ts'
import {
  createIssuer,
  flipSignature,
  HOUR,
  issueCard,
  issuerEntry,
  MemoryLog,
  material,
  NOW,
  ridOf,
  type TestIssuer,
} from './fixtures.ts'

/** Every code a verdict in this file carried (the last test: each listed code has a case). */
const produced = new Set<CheckCode>()

async function verifyCredential(...args: Parameters<typeof verifyCore>): Promise<Verdict> {
  const verdict = await verifyCore(...args)
  for (const c of verdict.checks) produced.add(c.code)
  return verdict
}

function byId(verdict: Verdict, id: CheckId): Check {
  const c = verdict.checks.find((x) => x.id === id)
  if (c === undefined) throw new Error(`no ${id} check`)
  return c
}

function expectCheck(verdict: Verdict, id: CheckId, result: Check['result'], code: CheckCode) {
  const c = byId(verdict, id)
  expect({ id, result: c.result, code: c.code }).toEqual({ id, result, code })
}

let issuer: TestIssuer
let log: MemoryLog
let card: string
let cardIndex: number
let base: VerifyOptions

beforeAll(async () => {
  issuer = await createIssuer()
  log = await MemoryLog.create()
  log.fill(300) // a full tile and a partial one: level-1 tiles are read too
  card = await issueCard(issuer)
  cardIndex = await log.appendCard(card, issuer.kid, NOW - 2 * HOUR)
  log.fill(5)
  const { opened } = await material(log, [issuerEntry(issuer)])
  base = { trust: [opened], now: NOW, ledger: () => log.source() }
})

describe('a card issued and anchored', () => {
  it('is valid by QR text, JWS and file, with every check passed and dated', async () => {
    for (const text of [encodeShcQr(card), card, createHealthCardFile([card])]) {
      const v = await verifyCredential(text, base)
      expect(v.status).toBe('valid')
      expect(v.reason).toBeUndefined()
      expect(v.checks.map((c) => c.id)).toEqual([
        'format',
        'issuer',
        'signature',
        'expiry',
        'revocation',
        'ledger',
        'checkpoint',
        'witnesses',
      ])
      expect(v.checks.every((c) => c.result === 'pass')).toBe(true)
      expectCheck(v, 'revocation', 'pass', 'VERIFY_NOT_REVOKED')
      expectCheck(v, 'ledger', 'pass', 'VERIFY_LEDGER_INCLUDED')
      expectCheck(v, 'witnesses', 'pass', 'VERIFY_WITNESSES_NOT_REQUIRED')
      expect(byId(v, 'ledger').detail?.index).toBe(String(cardIndex))
      expect(byId(v, 'revocation').asOf).toBe(NOW - 120)
      expect(byId(v, 'checkpoint').asOf).toBe(NOW - 60)
      expect(v.dataAge).toBe(120)
      expect(v.summary?.name).toBe('Anne Marie Jansen')
      expect(v.summary?.birthDate).toBe('1985-03-14')
      expect(v.summary?.entries[0]).toMatchObject({ kind: 'immunization', date: '2021-05-01' })
      expect(v.card).toMatchObject({ iss: issuer.iss, kid: issuer.kid, issuerName: 'Test issuer' })
    }
  })

  it('sends the log only a 4-hex-digit prefix of the leaf hash', async () => {
    log.lookups = []
    await verifyCredential(card, base)
    const leaf = toHex(await credentialLeafHash(card, issuer.kid, NOW - 2 * HOUR))
    expect(log.lookups).toEqual([leaf.slice(0, 4)])
  })

  it('widens the prefix only when the log says the bucket is too full', async () => {
    const source = log.source()
    const asked: string[] = []
    const v = await verifyCredential(card, {
      ...base,
      ledger: () => ({
        ...source,
        lookup: async (prefix) => {
          asked.push(prefix)
          return prefix.length < 6 ? 'too-many' : source.lookup(prefix)
        },
      }),
    })
    expect(asked.map((p) => p.length)).toEqual([4, 5, 6])
    expect(v.status).toBe('valid')
  })

  it('reuses a verified checkpoint through the cache', async () => {
    const cache = createVerifyCache()
    await verifyCredential(card, { ...base, cache })
    await verifyCredential(card, { ...base, cache })
    expect(cache.checkpoints.size).toBe(1)
  })

  it('decides valid / invalid / cannot-confirm from the checks', () => {
    const c = (id: CheckId, result: Check['result']): Check => ({
      id,
      result,
      code: 'VERIFY_UNEXPECTED',
      message: '',
    })
    expect(decideVerdict([c('format', 'pass')]).status).toBe('valid')
    expect(decideVerdict([c('format', 'pass'), c('ledger', 'skipped')]).status).toBe('valid')
    expect(decideVerdict([c('revocation', 'unknown'), c('ledger', 'fail')]).status).toBe('invalid')
    expect(decideVerdict([c('checkpoint', 'fail')]).status).toBe('cannot-confirm')
    expect(decideVerdict([c('witnesses', 'fail')]).status).toBe('cannot-confirm')
    const fraud = (id: CheckId, code: CheckCode): Check => ({
      id,
      result: 'fail',
      code,
      message: '',
    })
    expect(decideVerdict([fraud('witnesses', 'POLICY_NOT_MET')]).status).toBe('cannot-confirm')
    expect(decideVerdict([fraud('witnesses', 'COSIGNATURE_BAD')]).status).toBe('invalid')
    expect(decideVerdict([fraud('checkpoint', 'VERIFY_LOG_FORK')]).status).toBe('invalid')
    expect(decideVerdict([c('issuer', 'unknown')]).status).toBe('cannot-confirm')
  })
})

describe('format', () => {
  it.each<[string, string, CheckCode]>([
    ['nothing', '   ', 'VERIFY_INPUT_EMPTY'],
    ['a word', 'hello', 'VERIFY_INPUT_UNRECOGNISED'],
    ['odd digits', 'shc:/123', 'SHC_QR_ODD_DIGITS'],
    ['a pair above 77', 'shc:/9999', 'SHC_QR_DIGIT_PAIR'],
    ['a file without cards', '{"verifiableCredential":[]}', 'SHC_FILE_FORMAT'],
    ['a JWS with alg none', 'eyJhbGciOiJub25lIn0.e30.c2ln', 'SHC_HEADER_ALG'],
  ])('%s → invalid with %s, nothing else checked', async (_, text, code) => {
    const v = await verifyCredential(text, base)
    expect(v.status).toBe('invalid')
    expectCheck(v, 'format', 'fail', code)
    expect(v.checks.slice(1).every((c) => c.result === 'skipped')).toBe(true)
    expect(v.summary).toBeUndefined()
  })

  it('a payload that is not raw DEFLATE → SHC_INFLATE', async () => {
    const [h, , s] = card.split('.')
    const v = await verifyCredential(`${h}.${toBase64Url(utf8('{"iss":"x"}'))}.${s}`, base)
    expectCheck(v, 'format', 'fail', 'SHC_INFLATE')
  })

  it('claims without #health-card → SHC_VC_TYPE (signed, yet malformed)', async () => {
    const payload = { iss: issuer.iss, nbf: NOW - 60, vc: { type: ['x'], credentialSubject: {} } }
    const jws = await signShcPayload(payload, issuer.keyPair)
    expectCheck(await verifyCredential(jws, base), 'format', 'fail', 'SHC_VC_TYPE')
  })

  it('a signed card whose bundle cannot be summarised → cannot-confirm, content unreadable', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ fullUrl: 'resource:0', resource: { resourceType: 'Condition', code: 'x' } }],
    }
    const jws = await issueCard(issuer, { bundle })
    const v = await verifyCredential(jws, { ...base, ledger: undefined })
    expectCheck(v, 'format', 'unknown', 'VERIFY_CONTENT_UNREADABLE')
    expect(v.status).toBe('cannot-confirm')
    expect(v.summary).toBeUndefined()
  })

  it('a file of two cards verifies the first and warns', async () => {
    const v = await verifyCredential(createHealthCardFile([card, card]), base)
    expect(v.status).toBe('valid')
    expect(v.warnings).toContain('VERIFY_FILE_MORE_CARDS')
  })

  it('a QR text scanned with an upper-case prefix still reads', async () => {
    const v = await verifyCredential(encodeShcQr(card).replace('shc:/', 'SHC:/'), base)
    expect(v.status).toBe('valid')
  })
})

describe('issuer', () => {
  it('an issuer not in the trust material → invalid, VERIFY_ISSUER_UNKNOWN', async () => {
    const stranger = await createIssuer('https://stranger.example', 'Stranger')
    const v = await verifyCredential(await issueCard(stranger), base)
    expect(v.status).toBe('invalid')
    expectCheck(v, 'issuer', 'fail', 'VERIFY_ISSUER_UNKNOWN')
    expectCheck(v, 'signature', 'skipped', 'VERIFY_NOT_CHECKED')
    expect(v.summary).toBeUndefined()
  })

  it('a kid the trusted issuer does not publish → invalid, SHC_KEY_NOT_FOUND', async () => {
    const impostor = await createIssuer(issuer.iss, 'Impostor')
    const v = await verifyCredential(await issueCard(impostor), base)
    expectCheck(v, 'issuer', 'fail', 'SHC_KEY_NOT_FOUND')
    expect(v.status).toBe('invalid')
  })

  it('a key set entry breaking the SHC rules → SHC_KEYSET_INVALID', async () => {
    const { opened } = await material(log, [
      issuerEntry(issuer, { jwk: { ...issuer.jwk, use: 'enc' } }),
    ])
    const v = await verifyCredential(card, { ...base, trust: [opened] })
    expectCheck(v, 'issuer', 'fail', 'SHC_KEYSET_INVALID')
  })

  it('a failure that is no core error → VERIFY_UNEXPECTED on its check, never a throw', async () => {
    const [opened] = base.trust
    if (opened === undefined) throw new Error('no trust material')
    // Material damaged in memory after it was opened (a caller's bug): reading keys throws.
    const broken = {
      ...issuerEntry(issuer),
      jwks: {
        get keys(): never {
          throw new Error('the key set is gone')
        },
      },
    }
    const v = await verifyCredential(card, { ...base, trust: [{ ...opened, issuers: [broken] }] })
    expect(v.status).toBe('invalid')
    expectCheck(v, 'issuer', 'fail', 'VERIFY_UNEXPECTED')
    expect(byId(v, 'issuer').message).toBe('the key set is gone')
    expectCheck(v, 'signature', 'skipped', 'VERIFY_NOT_CHECKED')
  })

  it('no trust material at all → cannot-confirm, VERIFY_NO_TRUST', async () => {
    const v = await verifyCredential(card, { ...base, trust: [] })
    expect(v.status).toBe('cannot-confirm')
    expectCheck(v, 'issuer', 'unknown', 'VERIFY_NO_TRUST')
  })

  it('trust material older than the maximum age → cannot-confirm, VERIFY_DATA_STALE', async () => {
    const v = await verifyCredential(card, { ...base, maxAge: 60 })
    expect(v.status).toBe('cannot-confirm')
    expectCheck(v, 'issuer', 'unknown', 'VERIFY_DATA_STALE')
    expectCheck(v, 'revocation', 'unknown', 'VERIFY_DATA_STALE')
    expectCheck(v, 'signature', 'pass', 'VERIFY_SIGNATURE_VALID')
    expect(v.dataAge).toBe(120)
    expect((await verifyCredential(card, { ...base, maxAge: 120 })).status).toBe('valid')
  })
})

describe('signature', () => {
  it('a tampered payload (name changed, signature kept) → invalid, SHC_SIGNATURE_INVALID', async () => {
    const [h, p, s] = card.split('.') as [string, string, string]
    const json = fromUtf8(await inflateRaw(fromBase64Url(p), 1 << 20)).replace('Jansen', 'Jensen')
    const tampered = `${h}.${toBase64Url(await deflateRaw(utf8(json)))}.${s}`
    const v = await verifyCredential(encodeShcQr(tampered), base)
    expect(v.status).toBe('invalid')
    expectCheck(v, 'format', 'pass', 'VERIFY_FORMAT_OK')
    expectCheck(v, 'signature', 'fail', 'SHC_SIGNATURE_INVALID')
    expectCheck(v, 'ledger', 'skipped', 'VERIFY_NOT_CHECKED')
    expect(v.summary).toBeUndefined()
  })

  it('a flipped signature byte → SHC_SIGNATURE_INVALID', async () => {
    const v = await verifyCredential(flipSignature(card), base)
    expectCheck(v, 'signature', 'fail', 'SHC_SIGNATURE_INVALID')
  })
})

describe('expiry', () => {
  it('exp in the past → invalid, SHC_EXPIRED (dated now)', async () => {
    const jws = await issueCard(issuer, { nbf: NOW - 3 * 86_400, exp: NOW - 86_400 })
    await log.appendCard(jws, issuer.kid, NOW - 3 * 86_400)
    const { opened } = await material(log, [issuerEntry(issuer)])
    const v = await verifyCredential(jws, { ...base, trust: [opened] })
    expect(v.status).toBe('invalid')
    expectCheck(v, 'expiry', 'fail', 'SHC_EXPIRED')
    expect(byId(v, 'expiry').asOf).toBe(NOW)
    expectCheck(v, 'ledger', 'pass', 'VERIFY_LEDGER_INCLUDED')
  })

  it('nbf in the future beyond the skew → SHC_NBF_FUTURE', async () => {
    const jws = await issueCard(issuer, { nbf: NOW + HOUR })
    expectCheck(await verifyCredential(jws, base), 'expiry', 'fail', 'SHC_NBF_FUTURE')
  })

  it('exp in the future → VERIFY_NOT_EXPIRED; no exp → VERIFY_NO_EXPIRY', async () => {
    const jws = await issueCard(issuer, { exp: NOW + 86_400 })
    expectCheck(await verifyCredential(jws, base), 'expiry', 'pass', 'VERIFY_NOT_EXPIRED')
    expectCheck(await verifyCredential(card, base), 'expiry', 'pass', 'VERIFY_NO_EXPIRY')
  })
})

describe('revocation', () => {
  const crl = (rids: string[], ctr = 2) => ({ kid: issuer.kid, method: 'rid', ctr, rids })
  const withCrl = async (value: unknown, jwk = { ...issuer.jwk, crlVersion: 2 }) =>
    (await material(log, [issuerEntry(issuer, { crl: value, jwk })])).opened

  it('a listed rid → invalid, SHC_REVOKED (as of the material)', async () => {
    const trust = [await withCrl(crl([ridOf(issuer)]))]
    const v = await verifyCredential(card, { ...base, trust })
    expect(v.status).toBe('invalid')
    expectCheck(v, 'revocation', 'fail', 'SHC_REVOKED')
    expect(byId(v, 'revocation').asOf).toBe(NOW - 120)
    expect(v.summary?.name).toBe('Anne Marie Jansen')
  })

  it('a listed rid the material marks superseded → invalid, VERIFY_SUPERSEDED', async () => {
    const entry = issuerEntry(issuer, {
      crl: crl([ridOf(issuer)]),
      jwk: { ...issuer.jwk, crlVersion: 2 },
    })
    const trust = [
      (await material(log, [{ ...entry, superseded: { [issuer.kid]: [ridOf(issuer)] } }])).opened,
    ]
    const v = await verifyCredential(card, { ...base, trust })
    expect(v.status).toBe('invalid')
    expectCheck(v, 'revocation', 'fail', 'VERIFY_SUPERSEDED')
  })

  it('rid.<t> revokes cards issued before t only', async () => {
    const after = [await withCrl(crl([`${ridOf(issuer)}.${NOW - HOUR}`]))]
    expectCheck(
      await verifyCredential(card, { ...base, trust: after }),
      'revocation',
      'fail',
      'SHC_REVOKED',
    )
    const before = [await withCrl(crl([`${ridOf(issuer)}.${NOW - 3 * HOUR}`]))]
    expectCheck(
      await verifyCredential(card, { ...base, trust: before }),
      'revocation',
      'pass',
      'VERIFY_NOT_REVOKED',
    )
  })

  it('a key with crlVersion but no CRL → cannot-confirm, SHC_CRL_UNAVAILABLE', async () => {
    const v = await verifyCredential(card, { ...base, trust: [await withCrl(null)] })
    expect(v.status).toBe('cannot-confirm')
    expectCheck(v, 'revocation', 'unknown', 'SHC_CRL_UNAVAILABLE')
  })

  it('a CRL whose ctr is not the crlVersion → SHC_CRL_INVALID', async () => {
    const v = await verifyCredential(card, { ...base, trust: [await withCrl(crl([], 1))] })
    expectCheck(v, 'revocation', 'unknown', 'SHC_CRL_INVALID')
  })

  it('a key without crlVersion → VERIFY_NO_CRL; a card without rid → VERIFY_NO_RID', async () => {
    const { crlVersion: _, ...plain } = issuer.jwk
    const trust = [await withCrl(null, plain as typeof issuer.jwk & { crlVersion: number })]
    expectCheck(
      await verifyCredential(card, { ...base, trust }),
      'revocation',
      'pass',
      'VERIFY_NO_CRL',
    )
    const noRid = await issueCard(issuer, { rid: false })
    expectCheck(await verifyCredential(noRid, base), 'revocation', 'pass', 'VERIFY_NO_RID')
  })

  it('stale data still proves a revocation, but cannot vouch for a non-revoked card', async () => {
    const trust = [await withCrl(crl([ridOf(issuer)]))]
    const v = await verifyCredential(card, { ...base, trust, maxAge: 10 })
    expect(v.status).toBe('invalid')
    expectCheck(v, 'revocation', 'fail', 'SHC_REVOKED')
  })
})

describe('ledger', () => {
  it('a validly signed card that was never issued (stolen key) → invalid, VERIFY_LEDGER_NOT_FOUND', async () => {
    const forged = await issueCard(issuer, { subject: 'nobody' })
    const v = await verifyCredential(forged, base)
    expect(v.status).toBe('invalid')
    expectCheck(v, 'signature', 'pass', 'VERIFY_SIGNATURE_VALID')
    expectCheck(v, 'ledger', 'fail', 'VERIFY_LEDGER_NOT_FOUND')
    expect(byId(v, 'ledger').detail?.prefix).toMatch(/^[0-9a-f]{4}$/)
  })

  it('no access to the ledger → cannot-confirm, VERIFY_LEDGER_UNAVAILABLE', async () => {
    const offline = {
      ...base,
      ledger: () => ({
        lookup: async () => {
          throw new TypeError('Failed to fetch')
        },
        readTiles: async () => {
          throw new TypeError('Failed to fetch')
        },
      }),
    }
    const v = await verifyCredential(card, offline)
    expect(v.status).toBe('cannot-confirm')
    expectCheck(v, 'ledger', 'unknown', 'VERIFY_LEDGER_UNAVAILABLE')
    expect((await verifyCredential(card, { ...base, ledger: undefined })).status).toBe(
      'cannot-confirm',
    )
  })

  it('tiles missing offline → VERIFY_LEDGER_UNAVAILABLE; tampered tiles → MERKLE_TILE_ROOT_MISMATCH', async () => {
    const noTiles = log.source({
      tiles: () => {
        throw new TypeError('offline')
      },
    })
    const v1 = await verifyCredential(card, { ...base, ledger: () => noTiles })
    expectCheck(v1, 'ledger', 'unknown', 'VERIFY_LEDGER_UNAVAILABLE')
    const bad = log.source({
      tiles: (t) => {
        const bytes = log.tile(t)
        bytes[0] = (bytes[0] as number) ^ 1
        return bytes
      },
    })
    const v2 = await verifyCredential(card, { ...base, ledger: () => bad })
    expectCheck(v2, 'ledger', 'unknown', 'MERKLE_TILE_ROOT_MISMATCH')
    expect(v2.status).toBe('cannot-confirm')
  })

  it('a cached bucket older than the card → cannot-confirm, VERIFY_LEDGER_NOT_YET', async () => {
    const fresh = await issueCard(issuer, { subject: 'later', nbf: NOW - 60 })
    const v = await verifyCredential(fresh, {
      ...base,
      ledger: () => log.source({ asOf: NOW - HOUR }),
    })
    expectCheck(v, 'ledger', 'unknown', 'VERIFY_LEDGER_NOT_YET')
  })

  it('a card newer than the material checkpoint is proven against the latest one', async () => {
    const older = await log.checkpoint()
    const { opened } = await material(log, [issuerEntry(issuer)], { checkpoint: older })
    const late = await issueCard(issuer, { subject: 'late', nbf: NOW - 30 })
    await log.appendCard(late, issuer.kid, NOW - 30)
    const v = await verifyCredential(late, {
      ...base,
      trust: [opened],
      ledger: () => log.source({ latest: () => log.checkpoint(undefined, NOW - 10) }),
    })
    expect(v.status).toBe('valid')
    expect(byId(v, 'checkpoint').asOf).toBe(NOW - 10)
    const v2 = await verifyCredential(late, { ...base, trust: [opened] })
    expectCheck(v2, 'ledger', 'unknown', 'VERIFY_LEDGER_NOT_IN_CHECKPOINT')
  })

  it('an issuer that does not anchor its cards: ledger checks skipped, still valid', async () => {
    const other = await createIssuer('https://other-issuer.example', 'Other SHC issuer')
    const { opened } = await material(log, [
      issuerEntry(issuer),
      issuerEntry(other, { anchored: false }),
    ])
    const v = await verifyCredential(await issueCard(other), { ...base, trust: [opened] })
    expect(v.status).toBe('valid')
    expectCheck(v, 'ledger', 'skipped', 'VERIFY_LEDGER_NOT_ANCHORED')
    expectCheck(v, 'checkpoint', 'skipped', 'VERIFY_LEDGER_NOT_ANCHORED')
  })
})

describe('checkpoint and witnesses', () => {
  it('a checkpoint whose signature is wrong → cannot-confirm, NOTE_BAD_SIGNATURE', async () => {
    const note = await log.checkpoint()
    const bad = note.replace(
      / ([A-Za-z0-9+/]{10})/,
      (_, b: string) => ` ${b[0] === 'A' ? 'B' : 'A'}${b.slice(1)}`,
    )
    expect(bad).not.toBe(note)
    const { opened } = await material(log, [issuerEntry(issuer)], { checkpoint: bad })
    const v = await verifyCredential(card, { ...base, trust: [opened] })
    expect(v.status).toBe('cannot-confirm')
    expect(v.reason?.id).toBe('checkpoint')
    expectCheck(v, 'checkpoint', 'fail', 'NOTE_BAD_SIGNATURE')
    expectCheck(v, 'ledger', 'unknown', 'VERIFY_CHECKPOINT_UNVERIFIED')
    expectCheck(v, 'witnesses', 'skipped', 'VERIFY_NOT_CHECKED')
  })

  it('a checkpoint from another log → CHECKPOINT_ORIGIN', async () => {
    const stranger = await MemoryLog.create('elsewhere.test/log')
    stranger.fill(3)
    const { opened } = await material(log, [issuerEntry(issuer)], {
      checkpoint: await stranger.checkpoint(),
    })
    const v = await verifyCredential(card, { ...base, trust: [opened] })
    expectCheck(v, 'checkpoint', 'fail', 'CHECKPOINT_ORIGIN')
  })

  it('a witness quorum: unmet → POLICY_NOT_MET; met → VERIFY_WITNESS_QUORUM_MET; forged → COSIGNATURE_BAD', async () => {
    const witness = await generateSignerKey(
      'witness.test',
      (n) => crypto.getRandomValues(new Uint8Array(n)),
      SIG_COSIGNATURE_V1,
    )
    const policy = {
      logs: [{ vkey: log.vkey }],
      witnesses: [{ name: 'w1', vkey: witness.vkey }],
      quorum: 'w1',
    }
    const note = await log.checkpoint()
    const unmet = (await material(log, [issuerEntry(issuer)], { policy, checkpoint: note })).opened
    const v1 = await verifyCredential(card, { ...base, trust: [unmet] })
    expect(v1.status).toBe('cannot-confirm')
    expectCheck(v1, 'checkpoint', 'pass', 'VERIFY_CHECKPOINT_SIGNED')
    expectCheck(v1, 'witnesses', 'fail', 'POLICY_NOT_MET')
    expectCheck(v1, 'ledger', 'unknown', 'VERIFY_CHECKPOINT_UNVERIFIED')

    const cosigned = await addCosignatures(note, [await createCosigner(witness)], BigInt(NOW - 30))
    const met = (await material(log, [issuerEntry(issuer)], { policy, checkpoint: cosigned }))
      .opened
    const v2 = await verifyCredential(card, { ...base, trust: [met] })
    expect(v2.status).toBe('valid')
    expectCheck(v2, 'witnesses', 'pass', 'VERIFY_WITNESS_QUORUM_MET')
    expect(byId(v2, 'witnesses').asOf).toBe(NOW - 30)

    const lines = cosigned.trimEnd().split('\n')
    const last = lines.pop() as string
    const sig = last.split(' ').pop() as string
    const forgedSig = `${sig.slice(0, 20)}${sig[20] === 'A' ? 'B' : 'A'}${sig.slice(21)}`
    const forged = `${[...lines, last.replace(sig, forgedSig)].join('\n')}\n`
    const bad = (await material(log, [issuerEntry(issuer)], { policy, checkpoint: forged })).opened
    const v3 = await verifyCredential(card, { ...base, trust: [bad] })
    expectCheck(v3, 'witnesses', 'fail', 'COSIGNATURE_BAD')
    // A policy witness's signature that does not verify is fraud, not missing data.
    expect(v3.status).toBe('invalid')
    expect(v3.reason?.code).toBe('COSIGNATURE_BAD')
  })
})

describe('forks against a checkpoint verified before (VerifyCache)', () => {
  let honest: MemoryLog
  let witness: Awaited<ReturnType<typeof generateSignerKey>>
  let policy: Policy

  /** A log with the same key whose history differs at leaf `at` (the card's leaf is kept). */
  async function forkOf(at: number, extra = 0): Promise<MemoryLog> {
    const fork = await MemoryLog.create(honest.origin)
    fork.key = honest.key
    fork.privateKey = honest.privateKey
    fork.leaves.push(...honest.leaves)
    fork.leaves[at] = honest.leaves[at + 1] as Uint8Array
    fork.fill(extra)
    return fork
  }
  const cosigned = async (note: string) =>
    addCosignatures(note, [await createCosigner(witness)], BigInt(NOW - 30))

  beforeAll(async () => {
    honest = await MemoryLog.create('fork.test/log')
    honest.fill(20)
    await honest.appendCard(card, issuer.kid, NOW - 2 * HOUR)
    honest.fill(5)
    witness = await generateSignerKey(
      'witness.test',
      (n) => crypto.getRandomValues(new Uint8Array(n)),
      SIG_COSIGNATURE_V1,
    )
    policy = {
      logs: [{ vkey: honest.vkey }],
      witnesses: [{ name: 'w1', vkey: witness.vkey }],
      quorum: 1,
    }
  })

  const verifyWith = async (log: MemoryLog, note: string, cache: VerifyCache) => {
    const { opened } = await material(log, [issuerEntry(issuer)], { policy, checkpoint: note })
    return verifyCredential(card, { ...base, trust: [opened], ledger: () => log.source(), cache })
  }

  it('same size, another root, signed by the log but not cosigned → invalid VERIFY_LOG_FORK', async () => {
    const cache = createVerifyCache()
    expect(
      (await verifyWith(honest, await cosigned(await honest.checkpoint()), cache)).status,
    ).toBe('valid')
    const fork = await forkOf(3)
    const v = await verifyWith(fork, await fork.checkpoint(), cache)
    expect(v.status).toBe('invalid')
    expect(v.reason?.code).toBe('VERIFY_LOG_FORK')
    expectCheck(v, 'checkpoint', 'fail', 'VERIFY_LOG_FORK')
    // Without the earlier checkpoint there is nothing to compare: only the quorum is missing.
    const fresh = await verifyWith(fork, await fork.checkpoint(), createVerifyCache())
    expect(fresh.status).toBe('cannot-confirm')
    expectCheck(fresh, 'witnesses', 'fail', 'POLICY_NOT_MET')
  })

  it('a larger tree that rewrote an old leaf fails the consistency proof → VERIFY_LOG_FORK', async () => {
    const cache = createVerifyCache()
    const size = honest.leaves.length
    await verifyWith(honest, await cosigned(await honest.checkpoint(size)), cache)
    const fork = await forkOf(2, 4)
    // Even cosigned by a careless witness, it cannot extend what this verifier saw.
    const v = await verifyWith(fork, await cosigned(await fork.checkpoint()), cache)
    expect(v.status).toBe('invalid')
    expectCheck(v, 'checkpoint', 'fail', 'VERIFY_LOG_FORK')
  })

  it('honest growth is consistent, and becomes the new reference', async () => {
    const cache = createVerifyCache()
    const first = honest.leaves.length
    await verifyWith(honest, await cosigned(await honest.checkpoint(first)), cache)
    honest.fill(7)
    const v = await verifyWith(honest, await cosigned(await honest.checkpoint()), cache)
    expect(v.status).toBe('valid')
    expect([...cache.heads.values()][0]?.size).toBe(BigInt(honest.leaves.length))
    // An older checkpoint of the same history is still consistent with the newer head.
    const old = await verifyWith(honest, await cosigned(await honest.checkpoint(first)), cache)
    expect(old.status).toBe('valid')
  })
})

describe('several deployments', () => {
  it("verifies each card against its own deployment's log", async () => {
    const issuerB = await createIssuer('https://b.vigil.test', 'Deployment B')
    const logB = await MemoryLog.create('b.vigil.test/log')
    logB.fill(10)
    const cardB = await issueCard(issuerB)
    await logB.appendCard(cardB, issuerB.kid, NOW - 2 * HOUR)
    const a = (await material(log, [issuerEntry(issuer)])).opened
    const b = (await material(logB, [issuerEntry(issuerB)], { deployment: 'https://b.vigil.test' }))
      .opened
    const ledger = (m: { deployment: string }) =>
      m.deployment === 'https://b.vigil.test' ? logB.source() : log.source()
    const trust = [a, b]
    const vA = await verifyCredential(card, { ...base, trust, ledger })
    const vB = await verifyCredential(cardB, { ...base, trust, ledger })
    expect([vA.status, vB.status]).toEqual(['valid', 'valid'])
    expect(vB.card?.deployment).toBe('https://b.vigil.test')
    // A card from B checked against A's log only is not found there.
    const crossed = await verifyCredential(cardB, {
      ...base,
      trust: [a, { ...b, issuers: b.issuers }],
      ledger: () => log.source(),
    })
    expectCheck(crossed, 'ledger', 'fail', 'VERIFY_LEDGER_NOT_FOUND')
  })
})

describe('a signed card whose nbf no ledger leaf can hold', () => {
  it('is invalid with the ledger check failing ENTRY_TIME, not a throw (found by the fuzz)', async () => {
    const payload = {
      iss: issuer.iss,
      nbf: 1e17,
      vc: {
        type: ['https://smarthealth.cards#health-card'],
        credentialSubject: {
          fhirVersion: '4.0.1',
          fhirBundle: {
            resourceType: 'Bundle',
            type: 'collection',
            entry: [{ resource: { resourceType: 'Patient', birthDate: '1985' } }],
          },
        },
      },
    }
    const v = await verifyCredential(await signShcPayload(payload, issuer.keyPair), base)
    expect(v.status).toBe('invalid')
    expectCheck(v, 'ledger', 'fail', 'ENTRY_TIME')
  })
})

describe('offline, from the device snapshot of the ledger', () => {
  let snapshot: LogSnapshot
  /** The ledger as the page sees it offline: every request fails. */
  const unreachable = (): LedgerSource => ({
    lookup: () => Promise.reject(new TypeError('Failed to fetch')),
    readTiles: () => Promise.reject(new TypeError('Failed to fetch')),
  })
  const offline = (extra: Partial<VerifyOptions> = {}): VerifyOptions => ({
    ...base,
    ledger: unreachable,
    snapshot: () => snapshot,
    ...extra,
  })

  beforeAll(async () => {
    const { opened } = await material(log, [issuerEntry(issuer)])
    snapshot = (
      await syncSnapshot(undefined, {
        readTiles: log.source().readTiles,
        note: await log.checkpoint(),
        policy: opened.policyValue,
        origin: log.origin,
        now: NOW,
      })
    ).snapshot
  })

  it('says valid for a logged card it never looked up, dated as of the snapshot', async () => {
    const v = await verifyCredential(card, offline())
    expect(v.status).toBe('valid')
    expectCheck(v, 'ledger', 'pass', 'VERIFY_LEDGER_INCLUDED')
    expect(byId(v, 'ledger').detail).toMatchObject({
      source: 'snapshot',
      size: String(snapshot.size),
    })
    expect(snapshot.size).toBe(BigInt(log.leaves.length))
    expect(byId(v, 'ledger').asOf).toBe(NOW - 60)
  })

  it('says invalid for a card signed with the real key before the snapshot but never logged', async () => {
    const forged = await issueCard(issuer, { nbf: NOW - HOUR, subject: 'forged' })
    const v = await verifyCredential(forged, offline())
    expect(v.status).toBe('invalid')
    expectCheck(v, 'ledger', 'fail', 'VERIFY_LEDGER_NOT_FOUND')
    expect(byId(v, 'ledger').detail?.source).toBe('snapshot')
  })

  it('cannot confirm a card newer than the snapshot, nor any card once the snapshot is too old', async () => {
    const newer = await issueCard(issuer, { nbf: NOW - 30, subject: 'newer' })
    const v = await verifyCredential(newer, offline())
    expect(v.status).toBe('cannot-confirm')
    expectCheck(v, 'ledger', 'unknown', 'VERIFY_SNAPSHOT_NEWER')
    // Within the margin before the checkpoint: perhaps queued while it was signed.
    const queued = await issueCard(issuer, { nbf: NOW - 60 - 299, subject: 'queued' })
    expectCheck(
      await verifyCredential(queued, offline()),
      'ledger',
      'unknown',
      'VERIFY_SNAPSHOT_NEWER',
    )
    const later = { now: NOW + 8 * 86_400 }
    const stale = await verifyCredential(newer, offline(later))
    expect(stale.status).toBe('cannot-confirm')
    expectCheck(stale, 'ledger', 'unknown', 'VERIFY_SNAPSHOT_STALE')
    expectCheck(
      await verifyCredential(newer, offline({ ...later, snapshotMaxAge: 9 * 86_400 })),
      'ledger',
      'unknown',
      'VERIFY_SNAPSHOT_NEWER',
    )
    // Past the venue's limit even a logged card is only "cannot confirm" (fresher evidence asked for).
    expectCheck(
      await verifyCredential(card, offline(later)),
      'ledger',
      'unknown',
      'VERIFY_SNAPSHOT_STALE',
    )
  })

  it('is not consulted while the ledger answers, nor for another log', async () => {
    const fresh = await issueCard(issuer, { nbf: NOW - 30, subject: 'fresh' })
    await log.appendCard(fresh, issuer.kid, NOW - 30)
    const latest = () => log.checkpoint()
    const online = await verifyCredential(fresh, offline({ ledger: () => log.source({ latest }) }))
    expect(online.status).toBe('valid')
    expect(byId(online, 'ledger').detail?.source).toBeUndefined()
    const other = { ...snapshot, origin: 'other.test/log' }
    const v = await verifyCredential(card, offline({ snapshot: () => other }))
    expectCheck(v, 'ledger', 'unknown', 'VERIFY_LEDGER_UNAVAILABLE')
  })
})

describe('a sharded log (docs/LEDGER.md "Shards")', () => {
  let shard1: MemoryLog
  let shard2: MemoryLog
  let inShard1: string
  beforeAll(async () => {
    shard1 = await MemoryLog.create('vigil.test/log')
    shard1.fill(20)
    inShard1 = card
    await shard1.appendCard(inShard1, issuer.kid, NOW - 2 * HOUR)
    shard1.fill(3)
    shard2 = await MemoryLog.create('vigil.test/log/2')
    shard2.fill(4)
  })

  /** Material of shard 2 (active) listing shard 1 frozen at its size, with `final` its checkpoint. */
  const sharded = async (final: string, finalSize = shard1.leaves.length) => {
    const { opened } = await material(shard2, [issuerEntry(issuer)])
    const shards = [
      {
        id: 1,
        origin: shard1.origin,
        vkey: shard1.vkey,
        state: 'frozen' as const,
        periodStart: 0,
        // The card's nbf (NOW - 2 h) falls in shard 2's period: shard 2 is asked first.
        periodEnd: NOW - 3 * HOUR,
        finalSize: String(finalSize),
        checkpoint: final,
      },
      {
        id: 2,
        origin: shard2.origin,
        vkey: shard2.vkey,
        state: 'active' as const,
        periodStart: NOW - 3 * HOUR,
        periodEnd: null,
        finalSize: null,
      },
    ]
    return { ...opened, shards }
  }
  const ledger = () => ({
    ...shard2.source(),
    shard: (id: number) => (id === 1 ? shard1.source() : shard2.source()),
  })

  it('a card in a frozen shard verifies through that shard, after its period shard says no', async () => {
    const m = await sharded(await shard1.checkpoint())
    const v = await verifyCredential(card, { ...base, trust: [m], ledger })
    expect(v.status).toBe('valid')
    expectCheck(v, 'ledger', 'pass', 'VERIFY_LEDGER_INCLUDED')
    expect(byId(v, 'checkpoint').detail?.origin).toBe('vigil.test/log')
  })

  it('a card in no trusted shard is not in the ledger', async () => {
    const empty = await MemoryLog.create('vigil.test/log')
    empty.fill(5)
    const { opened } = await material(shard2, [issuerEntry(issuer)])
    const m = {
      ...opened,
      shards: [
        {
          id: 1,
          origin: empty.origin,
          vkey: empty.vkey,
          state: 'frozen' as const,
          periodStart: 0,
          periodEnd: NOW - 3 * HOUR,
          finalSize: String(empty.leaves.length),
          checkpoint: await empty.checkpoint(),
        },
      ],
    }
    const shard = (id: number) => (id === 1 ? empty.source() : shard2.source())
    const v = await verifyCredential(card, {
      ...base,
      trust: [m],
      ledger: () => ({ ...shard2.source(), shard }),
    })
    expect(v.status).toBe('invalid')
    expectCheck(v, 'ledger', 'fail', 'VERIFY_LEDGER_NOT_FOUND')
  })

  it("a checkpoint signed by a frozen shard's key past its final size → invalid VERIFY_SHARD_PAST_FINAL", async () => {
    const finalSize = shard1.leaves.length
    const longer = await MemoryLog.create('vigil.test/log')
    // The same key, a larger tree: what a stolen key or a lying log would sign.
    longer.key = shard1.key
    for (const leaf of shard1.leaves) longer.append(leaf)
    longer.fill(2)
    const m = await sharded(await longer.checkpoint(), finalSize)
    const v = await verifyCredential(card, { ...base, trust: [m], ledger })
    expect(v.status).toBe('invalid')
    expectCheck(v, 'checkpoint', 'fail', 'VERIFY_SHARD_PAST_FINAL')
  })
})

describe('check codes', () => {
  it('a misspelt code fails the typecheck', () => {
    // @ts-expect-error -- not a check code: the union is closed
    const typo: CheckCode = 'VERIFY_LEDGER_INCLUDE'
    expect(VERIFY_CHECK_CODES).not.toContain(typo)
  })

  // Last in the file: it reads what every case above produced.
  // The EU DCC codes are produced by verify-dcc.test.ts.
  it('every code in VERIFY_CHECK_CODES is produced by a case in this file', () => {
    expect(new Set(VERIFY_CHECK_CODES).size).toBe(VERIFY_CHECK_CODES.length)
    const dcc = new Set<string>(DCC_CHECK_CODES)
    expect(VERIFY_CHECK_CODES.filter((code) => !dcc.has(code) && !produced.has(code))).toEqual([])
  })
})
