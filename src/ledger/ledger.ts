/**
 * @module ledger/ledger
 * The log service as the app sees it: one per process (its sequencer batches concurrent appends),
 * built from the service context's database, clock and log key.
 */
import type { ServiceContext } from '../context.ts'
import { logSigner } from './checkpoint.ts'
import { type IntegrateDeps, initLog } from './integrate.ts'
import { Sequencer, type SequencerOptions } from './sequencer.ts'

export class Ledger {
  readonly sequencer: Sequencer
  readonly origin: string

  private constructor(deps: IntegrateDeps, options: SequencerOptions) {
    this.origin = deps.origin
    this.sequencer = new Sequencer(deps, options)
  }

  /** Loads the log key and makes sure the log has its genesis checkpoint. */
  static async open(
    ctx: Pick<ServiceContext, 'db' | 'keys' | 'config' | 'clock'>,
    options: SequencerOptions = {},
  ) {
    const key = await ctx.keys.active('log')
    const deps: IntegrateDeps = {
      db: ctx.db,
      signer: logSigner(key, ctx.config.logOrigin),
      origin: ctx.config.logOrigin,
      now: () => ctx.clock.now(),
    }
    const ledger = new Ledger(deps, options)
    await initLog(deps)
    return ledger
  }

  append(...args: Parameters<Sequencer['append']>) {
    return this.sequencer.append(...args)
  }
}
