/**
 * @module core/witness
 * c2sp.org/tlog-witness: the add-checkpoint wire format and the witness's pure decision.
 */
export * from './errors.ts'
export * from './request.ts'
export * from './witness.ts'
