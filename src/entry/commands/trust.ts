/**
 * @module entry/commands/trust
 * `vigil trust rules publish FILE` and `vigil trust issuers import FILE` (help texts in cli.ts):
 * the same verbs as POST /api/trust/rules and PUT /api/trust/directory, run as the command line.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { importIssuerDirectory, publishRuleSets } from '../../services/trust/index.ts'
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
