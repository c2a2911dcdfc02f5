/**
 * @module entry/commands/verify
 * `vigil verify TEXT|FILE --dcc-trust FILE`: verifies one scanned certificate offline with the
 * same core the venue page runs, and prints the Verdict and its plain sentence as JSON. EU DCCs
 * (`HC1:`) are checked against signer certificates from a JSON file of DSCs by kid (its --help
 * text, in cli.ts, gives the format); a SMART Health Card is read, but with no trust material
 * given here it cannot be confirmed. With `--rules-country CC --dcc-rules FILE` an EU DCC is
 * also checked against that country's business rules (CertLogic; core/certlogic), offline.
 * `--url URL` names a trusted deployment, for every kind of input alike: for an EU DCC its
 * signed `/trust/dcc` (signers and revocations, each list's age and ledger entry) and, for
 * `--rules-country`, the rules in its signed `/trust/material`; for a SMART Health Card — scanned,
 * a file, or inside a SMART Health Link (`shlink:/…` or a viewer URL, verify-shl.ts) — its
 * signed `/trust/material` and its ledger (verify-deployments.ts). Everything is verified with
 * the log key (pinned with `--vkey`, else read from `<url>/log/key`, as the deployment's own
 * verifier page does). `--url` may be given more than once for cards; `--trust` is its former
 * name for links and still accepted. Exit code: 0 valid, 1 invalid, 3 cannot confirm, 2 usage or trust material that fails.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { parseArgs } from 'node:util'
import {
  CertLogicError,
  type DccRuleSet,
  parseDccRulesText,
  parseDccValueSets,
} from '../../core/certlogic/index.ts'
import { fromBase64 } from '../../core/codec/index.ts'
import {
  type DccRevocationList,
  type DccSigner,
  type DccTrust,
  dccTrust,
  signerFromDsc,
} from '../../core/dcc/index.ts'
import { CoreError } from '../../core/errors.ts'
import { isShlink } from '../../core/shl/index.ts'
import {
  checkDeploymentUrl,
  type DccRulesOption,
  dccRulesFor,
  openDccTrust,
  openTrustMaterial,
  plainVerdict,
  verifyCredential,
} from '../../core/verify/index.ts'
import { nodeDccVerify } from '../../platform/node-crypto/index.ts'
import {
  describeDeployments,
  loadDeployments,
  shcOptions,
  type TrustedDeployment,
} from './verify-deployments.ts'
import { runVerifyShl } from './verify-shl.ts'

const EXIT = { valid: 0, invalid: 1, 'cannot-confirm': 3 } as const

type Listed = string | { certificate: string; country?: string }

/** `{ kid: DER | {certificate, country} | [..] }` → signers (the kid as the file gives it). */
export async function readDscFile(text: string): Promise<DccSigner[]> {
  const json: unknown = JSON.parse(text)
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new Error('the trust file must be a JSON object of DSCs by kid')
  }
  const signers: DccSigner[] = []
  for (const [kid, value] of Object.entries(json)) {
    for (const entry of (Array.isArray(value) ? value : [value]) as Listed[]) {
      const listed = typeof entry === 'string' ? { certificate: entry } : entry
      if (typeof listed?.certificate !== 'string') {
        throw new Error(`kid ${kid}: each DSC is base64 DER, or {"certificate": base64 DER}`)
      }
      signers.push(
        await signerFromDsc(fromBase64(listed.certificate), {
          kid,
          ...(listed.country === undefined ? {} : { country: listed.country }),
        }),
      )
    }
  }
  return signers
}

function parseNow(value: string | undefined): number | undefined {
  if (value === undefined) return Math.floor(Date.now() / 1000)
  const seconds = /^\d+$/.test(value) ? Number(value) : Date.parse(value) / 1000
  return Number.isFinite(seconds) ? Math.floor(seconds) : undefined
}

/** The country's rules from --dcc-rules (a JSON array of EU rules) and --dcc-value-sets. */
function readRules(
  country: string,
  values: { 'dcc-rules'?: string | undefined; 'dcc-value-sets'?: string | undefined },
): DccRuleSet {
  const rules = parseDccRulesText(readFileSync(values['dcc-rules'] as string, 'utf8'))
  const file = values['dcc-value-sets']
  const valueSets =
    file === undefined ? undefined : parseDccValueSets(JSON.parse(readFileSync(file, 'utf8')))
  return { country, rules, ...(valueSets === undefined ? {} : { valueSets }) }
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url, { redirect: 'error' })
  if (!res.ok) throw new Error(`${url} answered ${res.status}`)
  return res.text()
}

/** What a deployment publishes for DCC verifiers, verified with its log key. */
interface Deployment {
  readonly url: string
  readonly vkey: string
  /** True when the key was given (--vkey); false when read from the deployment itself. */
  readonly pinned: boolean
  readonly trust: DccTrust
  readonly revoked: DccRevocationList
  readonly maxAge: number | undefined
  readonly lists: { name: string; sha256: string; leafIndex: number | null; asOf: number }[]
  readonly rules?: DccRulesOption
}

async function fromDeployment(
  base: string,
  vkeyGiven: string | undefined,
  country: string | undefined,
  lang: string | undefined,
): Promise<Deployment> {
  const vkey = vkeyGiven ?? (await fetchText(`${base}/log/key`)).trim()
  const dcc = await openDccTrust(await fetchText(`${base}/trust/dcc`), vkey)
  const rules =
    country === undefined
      ? undefined
      : dccRulesFor(
          await openTrustMaterial(await fetchText(`${base}/trust/material`), vkey),
          country,
          lang,
        )
  return {
    url: base,
    vkey,
    pinned: vkeyGiven !== undefined,
    trust: dcc.trust,
    revoked: dcc.revoked,
    maxAge: dcc.maxAge,
    lists: dcc.lists.map((l) => ({
      name: l.name,
      sha256: l.sha256,
      leafIndex: l.leafIndex,
      asOf: l.asOf,
    })),
    ...(rules === undefined ? {} : { rules }),
  }
}

export async function runVerify(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'dcc-trust': { type: 'string' },
      'dcc-revoked': { type: 'string' },
      now: { type: 'string' },
      'max-age': { type: 'string' },
      'rules-country': { type: 'string' },
      'dcc-rules': { type: 'string' },
      'dcc-value-sets': { type: 'string' },
      lang: { type: 'string' },
      // Trusted deployments, for every kind of input (--trust: the earlier name, for links).
      url: { type: 'string', multiple: true },
      trust: { type: 'string', multiple: true },
      vkey: { type: 'string' },
      // SMART Health Links (verify-shl.ts)
      passcode: { type: 'string' },
      recipient: { type: 'string' },
      'save-fhir': { type: 'string' },
    },
    strict: true,
  })
  const [input] = positionals
  if (input === undefined || positionals.length !== 1) {
    console.error('vigil verify: give exactly one certificate text or file')
    return 2
  }
  const now = parseNow(values.now)
  const maxAge = values['max-age'] === undefined ? undefined : Number(values['max-age'])
  if (now === undefined || (maxAge !== undefined && !(maxAge >= 0))) {
    console.error('vigil verify: --now takes POSIX seconds or an ISO date; --max-age seconds')
    return 2
  }
  const country = values['rules-country']
  const urls = [...(values.url ?? []), ...(values.trust ?? [])]
  if (values.vkey !== undefined && urls.length > 1) {
    console.error('vigil verify: --vkey pins the log key of one deployment: give one --url')
    return 2
  }
  // A file that exists is read; anything else is the certificate's text itself.
  const text = existsSync(input) ? readFileSync(input, 'utf8') : input
  const dcc = /^\s*HC1:/.test(text)
  if (dcc && urls.length > 1) {
    console.error('vigil verify: an EU certificate takes the trust data of one deployment (--url)')
    return 2
  }
  const url = dcc ? urls[0] : undefined
  if (url !== undefined && (values['dcc-trust'] ?? values['dcc-revoked']) !== undefined) {
    console.error('vigil verify: --url takes the trust data from the deployment, not --dcc-trust')
    return 2
  }
  if (urls.length === 0 && values.vkey !== undefined) {
    console.error('vigil verify: --vkey pins the log key of the deployment at --url')
    return 2
  }
  if (url === undefined && (country === undefined) !== (values['dcc-rules'] === undefined)) {
    console.error('vigil verify: --rules-country CC and --dcc-rules FILE go together')
    return 2
  }
  if (url !== undefined && values['dcc-rules'] !== undefined) {
    console.error('vigil verify: with --url the rules of --rules-country come from the deployment')
    return 2
  }
  if (country !== undefined && !/^[A-Z]{2}$/.test(country)) {
    console.error('vigil verify: --rules-country takes two capital letters (ISO 3166-1)')
    return 2
  }
  if (!dcc) {
    // SMART Health Cards (and links to them): the deployments' trust material and ledgers.
    let deployments: TrustedDeployment[]
    try {
      deployments = await loadDeployments(urls, values.vkey)
    } catch (err) {
      const code = err instanceof CoreError ? `${err.code} ` : ''
      console.error(`vigil verify: --url: ${code}${err instanceof Error ? err.message : err}`)
      return 2
    }
    if (isShlink(text)) {
      return runVerifyShl(text, {
        now,
        maxAge,
        recipient: values.recipient ?? 'vigil verify',
        passcode: values.passcode,
        deployments,
        saveFhir: values['save-fhir'],
      })
    }
    const verdict = await verifyCredential(text, {
      ...shcOptions(deployments),
      now,
      ...(maxAge === undefined ? {} : { maxAge }),
    })
    const trusted = deployments.length === 0 ? {} : { trust: describeDeployments(deployments) }
    console.log(JSON.stringify({ verdict, plain: plainVerdict(verdict), ...trusted }, null, 2))
    return EXIT[verdict.status]
  }
  let signers: DccSigner[] = []
  let revoked: DccRevocationList | undefined
  let asOf: number | undefined
  let rules: DccRulesOption | undefined
  let deployment: Deployment | undefined
  if (url !== undefined) {
    let base: string
    try {
      base = checkDeploymentUrl(url)
    } catch {
      console.error('vigil verify: --url takes https://… (http only on a loopback host)')
      return 2
    }
    try {
      deployment = await fromDeployment(base, values.vkey, country, values.lang)
    } catch (err) {
      // The deployment's data failed (unreachable, or not signed by the log key): no verdict.
      const code = err instanceof CoreError ? `${err.code} ` : ''
      console.error(`vigil verify: ${base}: ${code}${err instanceof Error ? err.message : err}`)
      return 2
    }
    revoked = deployment.revoked
    rules = deployment.rules
  }
  try {
    if (values['dcc-trust'] !== undefined) {
      signers = await readDscFile(readFileSync(values['dcc-trust'], 'utf8'))
      // The list is as fresh as the file: --max-age judges its modification time.
      asOf = Math.floor(statSync(values['dcc-trust']).mtimeMs / 1000)
    }
    if (values['dcc-revoked'] !== undefined) {
      revoked = JSON.parse(readFileSync(values['dcc-revoked'], 'utf8')) as DccRevocationList
    }
    if (country !== undefined && url === undefined) {
      const set = readRules(country, values)
      rules = { set, ...(values.lang === undefined ? {} : { lang: values.lang }) }
    }
  } catch (err) {
    const field = err instanceof CertLogicError && err.field ? ` (field ${err.field})` : ''
    console.error(`vigil verify: ${err instanceof Error ? err.message : String(err)}${field}`)
    return 2
  }
  const verdict = await verifyCredential(text, {
    trust: [],
    now,
    dcc: {
      trust: deployment?.trust ?? dccTrust(signers, asOf),
      verifySignature: nodeDccVerify,
      ...(revoked === undefined ? {} : { revoked }),
      // A deployment's lists carry their own limit; --max-age overrides it.
      ...((maxAge ?? deployment?.maxAge) === undefined
        ? {}
        : { maxAge: maxAge ?? deployment?.maxAge }),
      ...(rules === undefined ? {} : { rules }),
    },
  })
  const trust =
    deployment === undefined
      ? {}
      : {
          trust: {
            url: deployment.url,
            vkey: deployment.vkey,
            pinned: deployment.pinned,
            lists: deployment.lists,
          },
        }
  console.log(JSON.stringify({ verdict, plain: plainVerdict(verdict), ...trust }, null, 2))
  return EXIT[verdict.status]
}
