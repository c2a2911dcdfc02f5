/**
 * @module core/checkpoint
 * Vigil's checkpoints: c2sp.org/tlog-checkpoint with two extension lines,
 *   time <POSIX seconds>       when the log signed it (how fresh a verifier's copy is)
 *   prev <base64 SHA-256>      hash of the previous signed checkpoint note (the hash chain)
 *   final                      (only on a shard's last checkpoint: the log is frozen at this size,
 *                              docs/LEDGER.md "Shards"; a witness or verifier that has seen it
 *                              refuses any checkpoint of the origin past it)
 * The genesis checkpoint (size 0) has no `prev` line. Shared by the log, the audit and the pages.
 */
import { fromBase64, toBase64 } from '../codec/index.ts'
import { type Checkpoint, formatCheckpoint, NoteError, parseCheckpoint } from '../note/index.ts'

export interface VigilCheckpoint extends Checkpoint {
  /** POSIX seconds; undefined when the line is absent (a checkpoint from another log). */
  time: number | undefined
  prev: Uint8Array | undefined
  /** The `final` line: the shard's last checkpoint. */
  final: boolean
}

export interface VigilCheckpointFields {
  origin: string
  size: bigint
  root: Uint8Array
  time: number
  prev?: Uint8Array | undefined
  final?: boolean
}

export function checkpointText(c: VigilCheckpointFields): string {
  const extensions = [`time ${c.time}`]
  if (c.prev !== undefined) extensions.push(`prev ${toBase64(c.prev)}`)
  if (c.final === true) extensions.push('final')
  return formatCheckpoint({ origin: c.origin, size: c.size, root: c.root, extensions })
}

/** Parses checkpoint text, reading the time and prev lines. */
export function parseVigilCheckpoint(text: string): VigilCheckpoint {
  const c = parseCheckpoint(text)
  return { ...c, ...readVigilExtensions(c) }
}

/** Reads the time and prev lines of a parsed checkpoint. Attacker-controlled: both checked. */
export function readVigilExtensions(
  c: Checkpoint,
): Pick<VigilCheckpoint, 'time' | 'prev' | 'final'> {
  let time: number | undefined
  let prev: Uint8Array | undefined
  let final = false
  for (const line of c.extensions) {
    if (line === 'final') final = true
    else if (line.startsWith('time ')) {
      const value = line.slice(5)
      if (!/^(0|[1-9][0-9]{0,15})$/.test(value)) {
        throw new NoteError('CHECKPOINT_MALFORMED', 'time line must be POSIX seconds', {
          field: 'time',
        })
      }
      time = Number(value)
    } else if (line.startsWith('prev ')) {
      try {
        prev = fromBase64(line.slice(5))
      } catch (cause) {
        throw new NoteError('CHECKPOINT_MALFORMED', 'prev line must be base64', {
          field: 'prev',
          cause,
        })
      }
      if (prev.length !== 32) {
        throw new NoteError('CHECKPOINT_MALFORMED', 'prev must be a SHA-256 hash', {
          field: 'prev',
        })
      }
    }
  }
  return { time, prev, final }
}
