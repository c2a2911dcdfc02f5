/**
 * @module core/snapshot
 * The verifier's offline copy of a log: 96-bit prefixes of every leaf hash, verified against a
 * signed, cosigned checkpoint and kept up to date from hash tiles, so that a device can tell a
 * logged card from an unlogged one without the network. Pure: tiles arrive through a reader.
 */
export * from './codec.ts'
export * from './errors.ts'
export * from './snapshot.ts'
export * from './sync.ts'
