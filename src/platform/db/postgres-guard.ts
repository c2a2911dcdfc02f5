/**
 * @module platform/db/postgres-guard
 * Keeps a lost connection inside a transaction from taking the process down.
 *
 * postgres.js 3.4.x (up to 3.4.10, the latest 3.x) writes to a connection's socket from a
 * `setImmediate`; once the server has closed the connection that socket is null, and the write
 * throws `TypeError: Cannot read properties of null (reading 'write')` from a timer, where no
 * caller can catch it (upstream: porsager/postgres#1208, #1154, #1066; unmerged fix #1209). A
 * pooled query never meets it: the pool moves a closed connection aside. A transaction does:
 * `begin()` pins its connection, and after a query fails because the connection closed, its own
 * clean-up sends ROLLBACK on that dead connection (as does any query the callback makes after the
 * close). Both are avoided here, without touching the driver:
 *
 * - the transaction's `sql` refuses to run a query once the connection is known to be lost (a
 *   query failed with a connection error, or `begin()` rejected because the connection closed);
 * - when the callback fails because of a lost connection, it never settles, so postgres.js sends
 *   no ROLLBACK; `begin()` itself rejects through the connection's close (postgres.js races the
 *   callback against it), and the server has rolled the transaction back already.
 */
import type { Sql, TransactionSql } from 'postgres'
import { isConnectionLost } from './faults.ts'

interface Lost {
  error: unknown
}

type Pending = { handler: (query: Pending) => void; reject(error: unknown): void }

/** Runs `fn` on `sql`; a failure from a lost connection leaves the returned promise pending. */
function holdOnLoss<T>(sql: TransactionSql, lost: Lost, fn: (sql: TransactionSql) => T) {
  const guarded = guardTransaction(sql, lost)
  return Promise.resolve()
    .then(() => fn(guarded))
    .catch((error: unknown) => {
      if (lost.error !== undefined || isConnectionLost(error)) {
        lost.error ??= error
        return new Promise<never>(() => {})
      }
      throw error
    })
}

/** The transaction's `sql`, whose queries fail at once (never reach the socket) after a loss. */
function guardTransaction(sql: TransactionSql, lost: Lost): TransactionSql {
  return new Proxy(sql, {
    get(target, key, receiver) {
      if (key === 'unsafe') {
        return (...args: Parameters<TransactionSql['unsafe']>) => {
          const query = target.unsafe(...args) as unknown as Pending & Promise<unknown>
          // postgres.js runs a query through `query.handler` a tick after it is awaited: the
          // check is made then, as late as possible.
          const run = query.handler
          query.handler = Object.assign(
            (q: Pending) => (lost.error === undefined ? run(q) : q.reject(lost.error)),
            run,
          )
          query.then(undefined, (error: unknown) => {
            if (isConnectionLost(error)) lost.error ??= error
          })
          return query
        }
      }
      if (key === 'savepoint') {
        return (...args: unknown[]) => {
          const fn = args.pop() as (sql: TransactionSql) => unknown
          const savepoint = target.savepoint as (...a: unknown[]) => Promise<unknown>
          return savepoint(...args, (inner: TransactionSql) => holdOnLoss(inner, lost, fn))
        }
      }
      return Reflect.get(target, key, receiver)
    },
  })
}

/** `client` whose `begin()` survives the loss of its connection (see the module comment). */
export function guardTransactions(client: Sql): Sql {
  const begin = client.begin.bind(client) as (...args: unknown[]) => Promise<unknown>
  return new Proxy(client, {
    get(target, key, receiver) {
      if (key !== 'begin') return Reflect.get(target, key, receiver)
      return (...args: unknown[]) => {
        const fn = args.pop() as (sql: TransactionSql) => unknown
        const lost: Lost = { error: undefined }
        return begin(...args, (sql: TransactionSql) => holdOnLoss(sql, lost, fn)).catch(
          (error: unknown) => {
            if (isConnectionLost(error)) lost.error ??= error
            throw error
          },
        )
      }
    },
  })
}
