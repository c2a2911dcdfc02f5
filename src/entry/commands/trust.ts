/**
 * @module entry/commands/trust
 * `vigil trust rules publish FILE` and `vigil trust issuers import FILE` (help texts in cli.ts):
 * the same verbs as POST /api/trust/rules and PUT /api/trust/directory, run as the command line;
 * `vigil trust dcc rules import COUNTRY FILE`, a country's EU DCC business rules, and
 * `vigil trust dcc valuesets import FILE`, the EU value sets those rules read.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import {
  importDccRules,
  importDccValueSets,
  importIssuerDirectory,
  publishRuleSets,
} from '../../services/trust/index.ts'
import { usage, withRuntime } from './run.ts'

function readFile(path: string): string | { error: string } {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    return { error: `cannot read ${path}: ${(err as Error).message}` }
  }
}

function oneFile(args: string[], command: string, verb: string): string | number {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true })
  if (positionals.length !== 1) return usage(command, verb, 'needs exactly one FILE')
  const text = readFile(positionals[0] as string)
  if (typeof text !== 'string') return usage(command, verb, text.error)
  return text
}

export async function runTrustRulesPublish(args: string[]): Promise<number> {
  const text = oneFile(args, 'trust rules', 'publish')
  if (typeof text === 'number') return text
  return withRuntime(
    'trust rules',
    'publish',
    async ({ ctx }) => {
      const r = await publishRuleSets(ctx, { text })
      const where = r.leafIndex === null ? 'pending in the ledger' : `ledger index ${r.leafIndex}`
      console.log(
        `rule sets release ${r.release} (${r.ruleSets.join(', ')}): sha256 ${r.sha256}, ${where}`,
      )
      return 0
    },
    () => 1,
  )
}

export async function runTrustIssuersImport(args: string[]): Promise<number> {
  const text = oneFile(args, 'trust issuers', 'import')
  if (typeof text === 'number') return text
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    console.error('vigil trust issuers import: the file is not JSON')
    return 1
  }
  return withRuntime(
    'trust issuers',
    'import',
    async ({ ctx }) => {
      const { imported } = await importIssuerDirectory(ctx, { json })
      console.log(`issuer directory: ${imported} issuers imported`)
      return 0
    },
    () => 1,
  )
}

export async function runTrustDccRulesImport(args: string[]): Promise<number> {
  const command = 'trust dcc rules'
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true })
  if (positionals.length !== 2) return usage(command, 'import', 'needs COUNTRY and FILE')
  const [country, file] = positionals as [string, string]
  const text = readFile(file)
  if (typeof text !== 'string') return usage(command, 'import', text.error)
  return withRuntime(
    command,
    'import',
    async ({ ctx }) => {
      const r = await importDccRules(ctx, { country, text })
      const where = r.leafIndex === null ? 'pending in the ledger' : `ledger index ${r.leafIndex}`
      console.log(`${r.keyId}: ${r.rules} rules of ${r.country}, sha256 ${r.sha256}, ${where}`)
      return 0
    },
    () => 1,
  )
}

export async function runTrustDccValueSetsImport(args: string[]): Promise<number> {
  const text = oneFile(args, 'trust dcc valuesets', 'import')
  if (typeof text === 'number') return text
  return withRuntime(
    'trust dcc valuesets',
    'import',
    async ({ ctx }) => {
      const r = await importDccValueSets(ctx, { text })
      const where = r.leafIndex === null ? 'pending in the ledger' : `ledger index ${r.leafIndex}`
      console.log(`${r.keyId}: ${r.ids.length} value sets, sha256 ${r.sha256}, ${where}`)
      return 0
    },
    () => 1,
  )
}
