/**
 * @module entry/commands/trust-dcc
 * `vigil trust dcc import --format F FILE` and `vigil trust dcc revocations import FILE` (help
 * in cli.ts): the same verbs as PUT /api/trust/dcc/lists/{name} and
 * PUT /api/trust/dcc/revocations/{name}, run as the command line.
 */
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import {
  DCC_LIST_FORMATS,
  type DccListFormat,
  type DidSigningKeys,
  readTrustAnchors,
} from '../../core/dcc/index.ts'
import { CoreError } from '../../core/errors.ts'
import {
  type DccSnapshotView,
  importDccList,
  importDccRevocations,
} from '../../services/trust/index.ts'
import { usage, withRuntime } from './run.ts'

/** A signing DID's document (its JsonWebKey2020 methods) or `{"<method id>": JWK}`. */
export function readSigningKeys(text: string): DidSigningKeys {
  const json = JSON.parse(text) as Record<string, unknown>
  const methods = json.verificationMethod
  if (!Array.isArray(methods)) return json as DidSigningKeys
  const keys: Record<string, JsonWebKey> = {}
  for (const m of methods as { id?: unknown; publicKeyJwk?: unknown }[]) {
    if (typeof m?.id !== 'string' || typeof m.publicKeyJwk !== 'object') continue
    keys[m.id] = m.publicKeyJwk as JsonWebKey
    // A proof may name the DID itself when it has one key.
    if (typeof json.id === 'string' && methods.length === 1)
      keys[json.id] = keys[m.id] as JsonWebKey
  }
  return keys
}

function print(kind: string, v: DccSnapshotView): void {
  const where = v.leafIndex === null ? 'pending in the ledger' : `ledger index ${v.leafIndex}`
  const what = v.format === 'revocations' ? `${v.revoked} revoked hashes` : `${v.signers} signers`
  console.log(
    v.changed
      ? `${kind} ${v.name} version ${v.version}: ${what}, sha256 ${v.sha256}, ${where}`
      : `${kind} ${v.name} unchanged (version ${v.version}, ${where}): nothing new logged`,
  )
  for (const p of v.problems) console.log(`  dropped ${p.kid ?? ''} ${p.code}: ${p.message}`)
  for (const w of v.warnings ?? []) console.log(`  warning ${w.code}: ${w.message}`)
}

function listName(file: string, name: string | undefined): string {
  return (
    name ??
    basename(file)
      .replace(/\.[^.]*$/, '')
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
  )
}

/** Core refusals (DCC_LIST_*) are the list's fault: code and message, exit 1. */
function refused(command: string, err: unknown): number {
  if (!(err instanceof CoreError)) throw err
  console.error(`vigil ${command}: ${err.code} ${err.field ?? ''} ${err.message}`)
  return 1
}

export async function runTrustDccImport(args: string[]): Promise<number> {
  const cmd = 'trust dcc'
  let parsed: ReturnType<typeof parse>
  const parse = () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        name: { type: 'string' },
        source: { type: 'string' },
        'max-age': { type: 'string' },
        'signer-key': { type: 'string' },
        'allow-problems': { type: 'boolean' },
        'trust-anchor': { type: 'string', multiple: true },
      },
    })
  try {
    parsed = parse()
  } catch (err) {
    return usage(cmd, 'import', (err as Error).message)
  }
  const { values, positionals } = parsed
  const format = values.format as DccListFormat | undefined
  if (format === undefined || !DCC_LIST_FORMATS.includes(format)) {
    return usage(cmd, 'import', `--format is one of ${DCC_LIST_FORMATS.join(', ')}`)
  }
  const file = positionals[0]
  if (positionals.length !== 1 || file === undefined) return usage(cmd, 'import', 'needs one FILE')
  let content: Uint8Array
  let signingKeys: DidSigningKeys | undefined
  let trustAnchors: Uint8Array[] | undefined
  try {
    content = new Uint8Array(readFileSync(file))
    if (values['signer-key'] !== undefined) {
      signingKeys = readSigningKeys(readFileSync(values['signer-key'], 'utf8'))
    }
    if (values['trust-anchor'] !== undefined) {
      trustAnchors = values['trust-anchor'].flatMap((f) =>
        readTrustAnchors(new Uint8Array(readFileSync(f))),
      )
    }
  } catch (err) {
    return usage(cmd, 'import', (err as Error).message)
  }
  if (trustAnchors !== undefined && format !== 'eu-dto') {
    return usage(cmd, 'import', '--trust-anchor is for an eu-dto list')
  }
  if (format === 'did' && signingKeys === undefined) {
    return usage(cmd, 'import', 'a did list needs --signer-key (the signing DID document)')
  }
  return withRuntime(
    cmd,
    'import',
    async ({ ctx }) => {
      try {
        print(
          'trust list',
          await importDccList(ctx, {
            name: listName(file, values.name),
            format,
            content,
            source: values.source ?? file,
            ...(values['max-age'] === undefined ? {} : { maxAge: Number(values['max-age']) }),
            ...(signingKeys === undefined ? {} : { signingKeys }),
            ...(trustAnchors === undefined ? {} : { trustAnchors }),
            allowProblems: values['allow-problems'] === true,
          }),
        )
        return 0
      } catch (err) {
        return refused(`${cmd} import`, err)
      }
    },
    () => 1,
  )
}

export async function runTrustDccRevocationsImport(args: string[]): Promise<number> {
  const cmd = 'trust dcc revocations'
  let parsed: ReturnType<typeof parse>
  const parse = () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        name: { type: 'string' },
        source: { type: 'string' },
        'max-age': { type: 'string' },
      },
    })
  try {
    parsed = parse()
  } catch (err) {
    return usage(cmd, 'import', (err as Error).message)
  }
  const file = parsed.positionals[0]
  if (parsed.positionals.length !== 1 || file === undefined) {
    return usage(cmd, 'import', 'needs one FILE')
  }
  let content: Uint8Array
  try {
    content = new Uint8Array(readFileSync(file))
  } catch (err) {
    return usage(cmd, 'import', (err as Error).message)
  }
  const { values } = parsed
  return withRuntime(
    cmd,
    'import',
    async ({ ctx }) => {
      try {
        print(
          'revocation list',
          await importDccRevocations(ctx, {
            name: listName(file, values.name),
            content,
            source: values.source ?? file,
            ...(values['max-age'] === undefined ? {} : { maxAge: Number(values['max-age']) }),
          }),
        )
        return 0
      } catch (err) {
        return refused(`${cmd} import`, err)
      }
    },
    () => 1,
  )
}
