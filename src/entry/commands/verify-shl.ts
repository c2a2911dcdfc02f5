/**
 * @module entry/commands/verify-shl
 * `vigil verify shlink:/…` (or a viewer URL `…#shlink:/…`): opens a SMART Health Link as a
 * receiving application (IG §Receiving Application processes a SMART Health Link) — the manifest
 * POST with `--recipient` and `--passcode`, each file decrypted with the link's key — then
 * verifies every card against the trust material of the deployments named by `--url` (their
 * signed /trust/material under the log key each publishes, and their ledgers), and summarises the
 * FHIR bundle. `--save-fhir FILE` writes the decrypted bundle for a clinic's records.
 * Exit code: 0 every card valid, 1 a card invalid or the link refused, 3 cannot confirm.
 */
import { writeFileSync } from 'node:fs'
import { receiveShlink, ShlError } from '../../core/shl/index.ts'
import { plainVerdict } from '../../core/verify/index.ts'
import { shcOptions, type TrustedDeployment } from './verify-deployments.ts'

export interface VerifyShlOptions {
  readonly now: number
  readonly maxAge: number | undefined
  readonly recipient: string
  readonly passcode: string | undefined
  /** The deployments given with --url (verify-deployments.ts). */
  readonly deployments: readonly TrustedDeployment[]
  readonly saveFhir: string | undefined
}

export async function runVerifyShl(text: string, o: VerifyShlOptions): Promise<number> {
  try {
    const received = await receiveShlink(text, {
      fetch,
      recipient: o.recipient,
      now: o.now,
      ...(o.passcode === undefined ? {} : { passcode: o.passcode }),
      verify: {
        ...shcOptions(o.deployments),
        ...(o.maxAge === undefined ? {} : { maxAge: o.maxAge }),
      },
    })
    const { payload } = received.opened
    const saved: string[] = []
    received.fhir.forEach((f, i) => {
      if (o.saveFhir === undefined) return
      const file = i === 0 ? o.saveFhir : `${o.saveFhir}.${i + 1}`
      writeFileSync(file, f.text)
      saved.push(file)
    })
    console.log(
      JSON.stringify(
        {
          link: {
            url: payload.url,
            flag: payload.flag ?? '',
            ...(payload.label === undefined ? {} : { label: payload.label }),
            ...(payload.exp === undefined ? {} : { exp: payload.exp }),
          },
          cards: received.cards.map((c) => ({
            file: c.file,
            index: c.index,
            verdict: c.verdict,
            plain: plainVerdict(c.verdict),
          })),
          fhir: received.fhir.map((f, i) => ({
            file: f.file,
            resourceType: f.resource.resourceType,
            summary: f.summary ?? null,
            ...(saved[i] === undefined ? {} : { savedTo: saved[i] }),
          })),
          otherFiles: received.other,
        },
        null,
        2,
      ),
    )
    const statuses = received.cards.map((c) => c.verdict.status)
    if (statuses.includes('invalid')) return 1
    // Only unsigned files, or a card that cannot be confirmed: nothing here vouches for them.
    if (statuses.length === 0 || statuses.includes('cannot-confirm')) return 3
    return 0
  } catch (err) {
    if (!(err instanceof ShlError)) throw err
    console.log(
      JSON.stringify(
        {
          error: {
            code: err.code,
            message: err.message,
            ...(err.field === undefined ? {} : { field: err.field }),
            ...(err.remainingAttempts === undefined
              ? {}
              : { remainingAttempts: err.remainingAttempts }),
          },
        },
        null,
        2,
      ),
    )
    if (err.code === 'SHL_PASSCODE_REQUIRED') {
      console.error('vigil verify: this link needs --passcode')
      return 2
    }
    return err.code === 'SHL_HTTP' ? 3 : 1
  }
}
