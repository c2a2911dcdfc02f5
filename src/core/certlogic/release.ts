/**
 * @module core/certlogic/release
 * A country's rules as a deployment publishes them: the exact JSON text imported, whose SHA-256
 * is a `verifier-release` ledger entry with key id `dcc-rules:<country>:<release>`. A venue opens
 * a release only if the text hashes to what the entry commits to, so rules altered between the
 * authority and the door are refused, as Vigil's own rule sets are (core/rules).
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { equalBytes, fromHex, utf8 } from '../codec/index.ts'
import { CertLogicError } from './errors.ts'
import { parseDccRulesText, parseDccValueSets } from './parse.ts'
import type { DccRuleSet, DccValueSets } from './types.ts'

/** One country's latest import, as the trust material carries it. */
export interface DccRulesRelease {
  /** ISO 3166-1 alpha-2 of the country of arrival. */
  readonly country: string
  readonly release: number
  /** The JSON array of rules, byte for byte as imported. */
  readonly text: string
  /** Hex SHA-256 of the UTF-8 text. */
  readonly sha256: string
  /** The ledger index of its entry, null while it waits to be integrated. */
  readonly leafIndex: number | null
  /** The entry's time (POSIX seconds, a whole hour). */
  readonly entryTime: number
}

/** The latest import of the EU value sets, as the trust material carries it. */
export type DccValueSetsRelease = Omit<DccRulesRelease, 'country'>

/** The ledger key id of a country's import. */
export const dccRulesKeyId = (country: string, release: number) => `dcc-rules:${country}:${release}`

/** The ledger key id of an import of the value sets. */
export const dccValueSetsKeyId = (release: number) => `dcc-valuesets:${release}`

export function dccRulesHash(text: string): Uint8Array {
  return sha256(utf8(text))
}

function checkHash(text: string, sha256Hex: string): void {
  let expected: Uint8Array
  try {
    expected = fromHex(sha256Hex)
  } catch {
    throw new CertLogicError('DCC_RULES_INVALID', 'the expected hash is not hex', {
      field: 'sha256',
    })
  }
  if (!equalBytes(dccRulesHash(text), expected)) {
    throw new CertLogicError('DCC_RULES_INVALID', 'the text does not match its ledger hash', {
      field: 'text',
    })
  }
}

/** Reads value-set text (`{"<id>": ["<code>", …]}`); DCC_RULES_INVALID when it does not. */
export function parseDccValueSetsText(text: string): DccValueSets {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new CertLogicError('DCC_RULES_INVALID', 'the value sets are not JSON', {
      field: 'valueSets',
    })
  }
  return parseDccValueSets(json)
}

/** Opens the value sets of a release: DCC_RULES_INVALID when altered or malformed. */
export function openDccValueSetsRelease(
  release: Pick<DccValueSetsRelease, 'text' | 'sha256'>,
): DccValueSets {
  checkHash(release.text, release.sha256)
  return parseDccValueSetsText(release.text)
}

/**
 * Opens a release into the rule set a verifier applies: DCC_RULES_INVALID when the text does
 * not hash to `sha256` or does not read as EU rules.
 */
export function openDccRulesRelease(
  release: Pick<DccRulesRelease, 'country' | 'release' | 'text' | 'sha256'>,
  valueSets?: DccValueSets,
): DccRuleSet {
  checkHash(release.text, release.sha256)
  return {
    country: release.country,
    rules: parseDccRulesText(release.text),
    ...(valueSets === undefined ? {} : { valueSets }),
    release: dccRulesKeyId(release.country, release.release),
  }
}
