/**
 * @module entry/commands/run
 * What the database-backed CLI commands share: a usage message with exit 2, the check of
 * `--role` values before anything is opened, and running a body against the configured database
 * (migrated) with service errors printed as one line instead of a stack.
 */
import { ROLES, type Role } from '../../platform/context/index.ts'
import { ServiceError } from '../../platform/errors/index.ts'
import { loadConfig, type Runtime, startRuntime } from '../runtime.ts'

/** Prints `vigil <command> <verb>: message` with a pointer to --help; exit code 2. */
export function usage(command: string, verb: string, message: string): number {
  console.error(`vigil ${command} ${verb}: ${message} (vigil ${command} ${verb} --help)`)
  return 2
}

/**
 * `--name` and at least one known `--role`: the roles, or the message saying what is wrong.
 * Checked before the database opens, so a typo creates no data directory.
 */
export function checkNameAndRoles(
  name: string | undefined,
  roles: string[] | undefined,
): { name: string; roles: Role[] } | { error: string } {
  const list = roles ?? []
  const bad = list.find((r) => !(ROLES as readonly string[]).includes(r))
  if (bad !== undefined) return { error: `unknown role "${bad}" (${ROLES.join(', ')})` }
  if (name === undefined || list.length === 0) return { error: 'needs --name and --role' }
  return { name, roles: list as Role[] }
}

/**
 * Opens the configured database (migrated), runs `body`, and maps a ServiceError to its line on
 * stderr and `exitFor(error)` (2 unless the command says otherwise). The database always closes.
 */
export async function withRuntime(
  command: string,
  verb: string,
  body: (runtime: Runtime) => Promise<number>,
  exitFor: (error: ServiceError) => number = () => 2,
): Promise<number> {
  const runtime = await startRuntime(loadConfig(), { migrate: true })
  try {
    return await body(runtime)
  } catch (err) {
    if (!(err instanceof ServiceError)) throw err
    console.error(`vigil ${command} ${verb}: ${err.field ? `${err.field} ` : ''}${err.message}`)
    return exitFor(err)
  } finally {
    await runtime.database.close()
  }
}
