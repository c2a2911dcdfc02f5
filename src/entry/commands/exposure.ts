/**
 * @module entry/commands/exposure
 * `vigil exposure export [--json]`: writes the signed export files for every closed window not
 * exported yet (`vigil serve` does it hourly) and appends their SHA-256 to the ledger. Exit 0 with
 * one line per file (nothing new is not an error), 2 when the export could not run.
 */
import { parseArgs } from 'node:util'
import { exportBatch } from '../../exposure/export.ts'
import { loadConfig, startRuntime } from '../runtime.ts'

export async function runExposureExport(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true })
  const { ctx, database, ledger } = await startRuntime(loadConfig(), { migrate: true })
  try {
    const files = await exportBatch(ctx, ledger)
    if (values.json) console.log(JSON.stringify(files, null, 2))
    else if (files.length === 0) console.log('no new exports')
    else
      for (const f of files)
        console.log(
          `${f.path} ${f.batchNum}/${f.batchSize} keys=${f.keyCount} sha256=${f.sha256} leaf=${f.leafIndex}`,
        )
    return 0
  } catch (err) {
    console.error(`vigil exposure export: ${err instanceof Error ? err.message : String(err)}`)
    return 2
  } finally {
    await database.close()
  }
}
