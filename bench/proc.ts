/**
 * CPU seconds (user + system) a process has used, from /proc/<pid>/stat (proc(5): fields 14 and
 * 15, in clock ticks of 1/100 s on Linux); undefined where it cannot be read (gone, not Linux).
 */
import { readFileSync } from 'node:fs'

export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces: fields are counted after its closing ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return undefined
  }
}
