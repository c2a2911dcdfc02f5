/**
 * core/verify/kinds: every verifier code maps to exactly one of the four kinds a door sees, with
 * a plain sentence in English and Spanish; real verdicts (in-memory deployment) land in the kind
 * the door must act on.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { encodeShcQr } from '../../../src/core/shc/index.ts'
import {
  type Check,
  type CheckCode,
  CODE_KINDS,
  PLAIN_KEYS,
  plainOfCheck,
  plainVerdict,
  qrChunkProgress,
  VERDICT_KINDS,
  VERIFY_CHECK_CODES,
  type VerifyOptions,
  verifyCredential,
} from '../../../src/core/verify/index.ts'
import { en } from '../../../web/src/i18n/en.ts'
import { es } from '../../../web/src/i18n/es.ts'
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

const check = (id: Check['id'], result: Check['result'], code: CheckCode): Check => ({
  id,
  result,
  code,
  message: 'm',
})

describe('the code table', () => {
  it.each([...VERIFY_CHECK_CODES])('%s maps to exactly one kind and a known sentence', (code) => {
    const row = (CODE_KINDS as Record<string, readonly [string, string]>)[code]
    expect(row, `${code} has no row in CODE_KINDS`).toBeDefined()
    const [kind, key] = row as [string, string]
    expect(VERDICT_KINDS.filter((k) => k === kind)).toHaveLength(1)
    expect(PLAIN_KEYS).toContain(key)
  })

  it.each([
    // check, result, code → kind, sentence
    ['format', 'fail', 'VERIFY_INPUT_EMPTY', 'could-not-read', 'empty'],
    ['format', 'fail', 'SHC_QR_DIGIT_PAIR', 'could-not-read', 'damaged'],
    ['format', 'fail', 'SHC_QR_ODD_DIGITS', 'could-not-read', 'damaged'],
    ['format', 'fail', 'SHC_ISSUER_URL', 'could-not-read', 'damaged'],
    ['format', 'fail', 'SHC_QR_CHUNK_MISSING', 'could-not-read', 'partial'],
    ['format', 'fail', 'VERIFY_INPUT_UNRECOGNISED', 'could-not-read', 'unrecognised'],
    ['format', 'fail', 'VERIFY_INPUT_DCC', 'cannot-confirm', 'dcc-unsupported'],
    ['issuer', 'fail', 'VERIFY_ISSUER_UNKNOWN', 'cannot-confirm', 'issuer-unknown'],
    ['issuer', 'fail', 'SHC_KEY_NOT_FOUND', 'not-valid', 'forged'],
    ['issuer', 'unknown', 'VERIFY_DATA_STALE', 'cannot-confirm', 'data-stale'],
    ['signature', 'fail', 'SHC_SIGNATURE_INVALID', 'not-valid', 'altered'],
    ['expiry', 'fail', 'SHC_EXPIRED', 'not-valid', 'expired'],
    ['revocation', 'fail', 'SHC_REVOKED', 'not-valid', 'revoked'],
    ['revocation', 'unknown', 'SHC_CRL_INVALID', 'cannot-confirm', 'revocation-unknown'],
    ['ledger', 'fail', 'VERIFY_LEDGER_NOT_FOUND', 'not-valid', 'not-in-log'],
    ['ledger', 'unknown', 'VERIFY_LEDGER_NOT_YET', 'cannot-confirm', 'newer-than-copy'],
    ['ledger', 'unknown', 'VERIFY_LEDGER_UNAVAILABLE', 'cannot-confirm', 'ledger-unreachable'],
    ['ledger', 'unknown', 'MERKLE_ROOT_MISMATCH', 'cannot-confirm', 'ledger-proof'],
    ['checkpoint', 'fail', 'VERIFY_LOG_FORK', 'not-valid', 'log-forked'],
    ['checkpoint', 'fail', 'NOTE_BAD_SIGNATURE', 'cannot-confirm', 'checkpoint-unverified'],
    ['witnesses', 'fail', 'COSIGNATURE_BAD', 'not-valid', 'witness-bad'],
    ['witnesses', 'fail', 'POLICY_NOT_MET', 'cannot-confirm', 'witnesses-missing'],
    ['rules', 'fail', 'DCC_RULE_FAILED', 'not-valid', 'rule-failed'],
    ['rules', 'fail', 'DCC_RULE_ERROR', 'not-valid', 'rule-failed'],
    ['rules', 'unknown', 'DCC_RULES_NONE', 'cannot-confirm', 'rules-none'],
    ['rules', 'unknown', 'DCC_RULES_INVALID', 'cannot-confirm', 'trust-invalid'],
  ] as const)('%s %s %s → %s (%s)', (id, result, code, kind, key) => {
    expect(plainOfCheck(check(id, result, code))).toEqual({ kind, key })
  })

  it('says a superseded card was replaced, not revoked', () => {
    const c = check('revocation', 'fail', 'VERIFY_SUPERSEDED')
    expect(plainOfCheck(c)).toEqual({ kind: 'not-valid', key: 'superseded' })
  })

  it('has a sentence for every key and a title for every kind, in English and Spanish', () => {
    for (const messages of [en, es] as Record<string, string>[]) {
      for (const key of PLAIN_KEYS) expect(messages[`plain.${key}`], key).toBeTruthy()
      for (const kind of VERDICT_KINDS) expect(messages[`kind.${kind}`], kind).toBeTruthy()
    }
    expect(es['plain.issuer-unknown']).toContain('{iss}')
    expect(es['plain.partial']).toContain('{scanned}')
    // The failed business rule is named, with its description, in both languages.
    for (const messages of [en, es] as Record<string, string>[]) {
      expect(messages['plain.rule-failed']).toMatch(/\{rule\}.*\{desc\}/)
      expect(messages['code.DCC_RULE_FAILED']).toMatch(/\{rule\}.*\{desc\}/)
    }
  })
})

describe('real verdicts, as the door sees them', () => {
  let issuer: TestIssuer
  let log: MemoryLog
  let card: string
  let base: VerifyOptions

  beforeAll(async () => {
    issuer = await createIssuer()
    log = await MemoryLog.create()
    card = await issueCard(issuer)
    await log.appendCard(card, issuer.kid, NOW - 2 * HOUR)
    log.fill(3)
    const { opened } = await material(log, [issuerEntry(issuer)])
    base = { trust: [opened], now: NOW, ledger: () => log.source() }
  })

  const door = async (text: string, options: Partial<VerifyOptions> = {}) =>
    plainVerdict(await verifyCredential(text, { ...base, ...options }), qrChunkProgress(text))

  it('valid', async () => {
    expect(await door(encodeShcQr(card))).toEqual({
      kind: 'valid',
      key: 'valid',
      code: undefined,
      params: {},
    })
  })

  it('could not read: empty, a damaged scan, a partial chunk set (k of n)', async () => {
    expect(await door('  ')).toMatchObject({ kind: 'could-not-read', key: 'empty' })
    const qr = encodeShcQr(card)
    expect(await door(`shc:/99${qr.slice(7)}`)).toMatchObject({
      kind: 'could-not-read',
      key: 'damaged',
      code: 'SHC_QR_DIGIT_PAIR',
    })
    expect(await door(`shc:/1/3/${qr.slice(5, 25)}\nshc:/3/3/5657`)).toMatchObject({
      kind: 'could-not-read',
      key: 'partial',
      params: { scanned: '2', total: '3' },
    })
  })

  it('cannot confirm: an issuer not trusted (named), trust data too old, an EU certificate', async () => {
    const stranger = await createIssuer('https://clinic.example', 'Clinic')
    expect(await door(await issueCard(stranger))).toEqual({
      kind: 'cannot-confirm',
      key: 'issuer-unknown',
      code: 'VERIFY_ISSUER_UNKNOWN',
      params: { iss: 'https://clinic.example' },
    })
    expect(await door(card, { maxAge: 60 })).toMatchObject({
      kind: 'cannot-confirm',
      key: 'data-stale',
    })
    expect(await door('HC1:NCFOXN%TSMAHN-H')).toMatchObject({
      kind: 'cannot-confirm',
      key: 'dcc-unsupported',
      code: 'VERIFY_INPUT_DCC',
    })
  })

  it('not valid: altered, revoked, signed by the real key but never logged', async () => {
    expect(await door(flipSignature(card))).toMatchObject({ kind: 'not-valid', key: 'altered' })
    const crl = { kid: issuer.kid, method: 'rid', ctr: 2, rids: [ridOf(issuer)] }
    const jwk = { ...issuer.jwk, crlVersion: 2 }
    const { opened } = await material(log, [issuerEntry(issuer, { crl, jwk })])
    expect(await door(card, { trust: [opened] })).toMatchObject({
      kind: 'not-valid',
      key: 'revoked',
    })
    const forged = await issueCard(issuer, { subject: 'never-logged' })
    expect(await door(forged)).toMatchObject({ kind: 'not-valid', key: 'not-in-log' })
  })
})
