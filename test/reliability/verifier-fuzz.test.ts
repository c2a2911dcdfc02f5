/**
 * Verifier fuzz, CI size (docs/RELIABILITY.md): 5,000 mutants of valid cards and a receipt
 * (test/soak/verifier-fuzz.ts). The verifier never throws, never calls a mutant valid, and
 * names only codes the core defines. `npm run soak -- verifier-fuzz` runs 200,000.
 */
import { expect, it } from 'vitest'
import { createFuzzTarget, runVerifierFuzz } from '../soak/verifier-fuzz.ts'

it('5,000 mutated cards and receipts: no throw, no valid mutant, only known codes', async () => {
  const target = await createFuzzTarget()
  expect(target.seeds.filter((s) => s.valid).length).toBeGreaterThanOrEqual(9)
  const report = await runVerifierFuzz(target, 5000, 20_261_207)
  expect(report.failures).toEqual([])
  expect(report.inputs).toBe(5000)
  // The mutants reach every stage: format errors, bad signatures and cards missing from the log.
  expect(report.byCode.SHC_SIGNATURE_INVALID).toBeGreaterThan(0)
  expect(report.byCode.VERIFY_LEDGER_NOT_FOUND).toBeGreaterThan(0)
  expect(report.byCode.SHC_INFLATE_LIMIT).toBeGreaterThan(0)
}, 120_000)
