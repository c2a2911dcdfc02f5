/** A witness service over a test database, with its HTTP app, for in-process tests. */
import { jsonLogger } from '../../src/context.ts'
import {
  createCosigner,
  formatVerifierKey,
  generateSignerKey,
  SIG_COSIGNATURE_V1,
  type SignerKey,
} from '../../src/core/note/index.ts'
import type { Database } from '../../src/db/client.ts'
import { createWitnessApp } from '../../src/http/witness-app.ts'
import { type Evidence, type FollowedLog, Witness } from '../../src/witness/index.ts'

export interface TestWitness {
  witness: Witness
  app: ReturnType<typeof createWitnessApp>
  key: SignerKey
  vkey: string
  evidence: Evidence[]
}

export async function startWitness(
  database: Pick<Database, 'db'>,
  logs: FollowedLog[],
  options: { name?: string; key?: SignerKey; now?: () => Date } = {},
): Promise<TestWitness> {
  const key =
    options.key ?? (await generateSignerKey(options.name ?? 'w.example', SIG_COSIGNATURE_V1))
  const vkey = formatVerifierKey(key)
  const evidence: Evidence[] = []
  const witness = await Witness.open({
    db: database.db,
    cosigner: await createCosigner(key),
    vkey,
    logs,
    clock: { now: options.now ?? (() => new Date('2026-11-24T12:00:00Z')) },
    logger: jsonLogger('silent'),
    onEvidence: (e) => evidence.push(e),
  })
  return { witness, app: createWitnessApp(witness, 'test'), key, vkey, evidence }
}
