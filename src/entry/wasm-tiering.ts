/**
 * @module entry/wasm-tiering
 * V8's WebAssembly tier-up budget for a `vigil` process, set before PGlite compiles
 * (docs/PERFORMANCE.md, "Start: WebAssembly tier-up"). V8 optimises a WebAssembly function on
 * background threads once it has run through its budget (1.8 million by default). Starting
 * PostgreSQL in WebAssembly spends it for hundreds of functions that never run hot again; on two
 * cores that optimising competed with the start, or the main thread waited for it in node's
 * DrainTasks (136–142 ms in one start): `vigil serve` took 1.74× a bare Hono + PGlite start.
 * With Postgres (DATABASE_URL) no WebAssembly runs and the budget changes nothing.
 */
import { setFlagsFromString } from 'node:v8'

/** How long a command runs, which decides its budget. */
export type Lifetime = 'moments' | 'server' | 'minutes'

const BUDGET: Record<Lifetime, number | undefined> = {
  // Well under a second of PGlite: a budget no function reaches (`vigil identity show` 850 → 650 ms).
  moments: 1_000_000_000,
  // Only functions that stay hot get optimised: start 1.43× instead of 1.74×, a warm PGlite about
  // 4 % slower (1 billion: 1.25×, but 9–14 % slower).
  server: 100_000_000,
  // Minutes of work (a bulk import, a whole-log audit): V8's default.
  minutes: undefined,
}

/** Sets the budget for this process; call it before the first PGlite is opened. */
export function setWasmTiering(lifetime: Lifetime): void {
  const budget = BUDGET[lifetime]
  if (budget !== undefined) setFlagsFromString(`--wasm-tiering-budget=${budget}`)
}
