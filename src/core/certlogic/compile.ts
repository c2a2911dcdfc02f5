/**
 * @module core/certlogic/compile
 * CertLogic (specification 1.3.x, ehn-dcc-development/dgc-business-rules certlogic/
 * specification) compiled once into closures, so a rule evaluated for every scanned certificate
 * does not walk its JSON again: each operation's shape (operator, operand count, `var` paths,
 * literal arguments of `plusTime` and `extractFromUVCI`) is read at compile time, and only the
 * data-dependent part runs per evaluation. Written from the specification; the results equal
 * the reference evaluator's (certlogic-js, what evaluateCertLogic runs) on the specification's
 * own test suite and on Austria's published rules with their test cases
 * (test/unit/certlogic-compile.test.ts). A malformed expression compiles into a closure that
 * throws when evaluated, as the reference evaluator throws then: a rule that cannot be
 * evaluated counts as failed (spec, "Evaluation").
 */
import type { CertLogicExpression } from './types.ts'

/** A compiled expression: data in, value out (throws where evaluation fails). */
export type CompiledCertLogic = (data: unknown) => unknown

const fails =
  (message: string): CompiledCertLogic =>
  () => {
    throw new Error(message)
  }

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v)

/** A plain JSON object (spec "Truthy and falsy": dictionaries; not arrays, not date-times). */
function isDictionary(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    (v as { toString(): string }).toString() === '[object Object]'
  )
}

function hasKeys(v: Record<string, unknown>): boolean {
  for (const _ in v) return true
  return false
}

/** true: truthy, false: falsy, undefined: neither (spec "Truthy and falsy"). */
function boolsiness(v: unknown): boolean | undefined {
  if (v === true) return true
  if (v === false || v === null) return false
  if (typeof v === 'string') return v !== ''
  if (typeof v === 'number') return v !== 0
  if (Array.isArray(v)) return v.length > 0
  if (isDictionary(v)) return hasKeys(v)
  return undefined
}

// ---- Dates (spec "Working with dates") -------------------------------------------------------

const DATE = /^\d{4}-\d{2}-\d{2}$/
// date "T" time, optional fraction, optional offset: Z, ±h, ±hh, ±hhmm, ±hh:mm (none means Z).
const DATE_TIME =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(?:(Z)|([+-])(\d{1,2}):?(\d{2})?)?$/

function parseDateTime(text: string): Date {
  if (DATE.test(text)) return new Date(`${text}T00:00:00.000Z`)
  const m = DATE_TIME.exec(text)
  if (m === null) throw new Error(`not an allowed date or date-time format: ${text}`)
  // Milliseconds: the first three digits of the fraction, padded.
  const ms = m[2] === undefined ? '' : m[2].padEnd(4, '0').slice(0, 4)
  const zone =
    m[4] === undefined ? 'Z' : `${m[4]}${(m[5] as string).padStart(2, '0')}:${m[6] ?? '00'}`
  return new Date(`${m[1]}${ms}${zone}`)
}

/** `YYYY` or `YYYY-MM` → the last day it covers (midnight UTC); anything else undefined. */
function lastDayOf(text: string): Date | undefined {
  if (/^\d{4}$/.test(text)) return new Date(`${text}-12-31T00:00:00.000Z`)
  if (/^\d{4}-\d{2}$/.test(text)) {
    const d = new Date(`${text}-01T00:00:00.000Z`)
    d.setUTCMonth(d.getUTCMonth() + 1, 0)
    return d
  }
  return undefined
}

const TIME_UNITS = ['year', 'month', 'day', 'hour'] as const

function plusTime(text: string, amount: number, unit: (typeof TIME_UNITS)[number]): Date {
  const d = lastDayOf(text) ?? parseDateTime(text)
  if (amount === 0) return d
  if (unit === 'day') d.setUTCDate(d.getUTCDate() + amount)
  else if (unit === 'hour') d.setUTCHours(d.getUTCHours() + amount)
  else if (unit === 'month') d.setUTCMonth(d.getUTCMonth() + amount)
  else d.setUTCFullYear(d.getUTCFullYear() + amount)
  return d
}

function dccDateOfBirth(text: string): Date {
  const partial = lastDayOf(text)
  if (partial !== undefined) return partial
  if (DATE.test(text)) return parseDateTime(text)
  throw new Error(`can't parse "${text}" as an EU DCC date-of-birth`)
}

// ---- Operations ------------------------------------------------------------------------------

/** `var`: the path's fragments, each an array index when it reads as an integer. */
function compileVar(path: unknown): CompiledCertLogic {
  if (typeof path !== 'string') return fails('not of the form { "var": "<path>" }')
  if (path === '') return (data) => data
  const keys = path.split('.').map((f) => {
    const index = Number.parseInt(f, 10)
    return Number.isNaN(index) ? f : index
  })
  return (data) => {
    let v = data
    for (const key of keys) {
      if (v === null) return null
      v = (v as Record<string | number, unknown>)[key]
      if (v === undefined) v = null
    }
    return v
  }
}

type Comparison = '<' | '>' | '<=' | '>='

function compare(op: Comparison, l: number | Date, r: number | Date): boolean {
  switch (op) {
    case '<':
      return l < r
    case '>':
      return l > r
    case '<=':
      return l <= r
    default:
      return l >= r
  }
}

const DATE_COMPARISON: Record<string, Comparison> = {
  after: '>',
  before: '<',
  'not-after': '<=',
  'not-before': '>=',
}

function compileComparison(
  op: Comparison,
  args: CompiledCertLogic[],
  check: (v: unknown) => boolean,
  what: string,
): CompiledCertLogic {
  if (args.length < 2 || args.length > 3) {
    return fails(`an operation with operator "${op}" must have 2 or 3 operands`)
  }
  const [a, b, c] = args as [CompiledCertLogic, CompiledCertLogic, CompiledCertLogic?]
  return (data) => {
    const l = a(data)
    const m = b(data)
    const r = c === undefined ? undefined : c(data)
    if (!check(l) || !check(m) || (c !== undefined && !check(r))) {
      throw new Error(
        `all operands of ${what} must be ${what === 'a comparison' ? 'integers' : 'date-times'}`,
      )
    }
    const first = compare(op, l as number | Date, m as number | Date)
    return c === undefined ? first : first && compare(op, m as number | Date, r as number | Date)
  }
}

function compileAnd(args: CompiledCertLogic[]): CompiledCertLogic {
  if (args.length < 2) return fails('an "and" operation must have at least 2 operands')
  return (data) => {
    let value: unknown = true
    for (const arg of args) {
      // Lazy (spec "and"): the first falsy operand decides; every operand read must be
      // truthy or falsy.
      if (boolsiness(value) === false) return value
      value = arg(data)
      if (boolsiness(value) === undefined) {
        throw new Error('all operands of an "and" operation must be either truthy or falsy')
      }
    }
    return value
  }
}

function compileOperation(op: string, values: unknown): CompiledCertLogic {
  if (op === 'var') return compileVar(values)
  if (!Array.isArray(values) || values.length === 0) {
    return fails('operation not of the form { "<operator>": [ <values...> ] }')
  }
  switch (op) {
    case 'if': {
      const [guard, then, otherwise] = values as unknown[]
      if (guard === undefined || then === undefined || otherwise === undefined) {
        return fails('an if-operation must have a guard, a then and an else')
      }
      const [g, t, e] = [compile(guard), compile(then), compile(otherwise)]
      return (data) => {
        const v = g(data)
        const b = boolsiness(v)
        if (b === undefined)
          throw new Error('if-guard evaluates to something neither truthy, nor falsy')
        return b ? t(data) : e(data)
      }
    }
    case '!': {
      const operand = compile(values[0])
      return (data) => {
        const b = boolsiness(operand(data))
        if (b === undefined)
          throw new Error('operand of ! evaluates to something neither truthy, nor falsy')
        return !b
      }
    }
    case 'and':
      return compileAnd(values.map(compile))
    case '<':
    case '>':
    case '<=':
    case '>=':
      return compileComparison(op, values.map(compile), isInt, 'a comparison')
    case 'after':
    case 'before':
    case 'not-after':
    case 'not-before':
      return compileComparison(
        DATE_COMPARISON[op] as Comparison,
        values.map(compile),
        (v) => v instanceof Date,
        'a date-time comparison',
      )
    case '===':
    case 'in':
    case '+': {
      if (values.length !== 2)
        return fails(`an operation with operator "${op}" must have 2 operands`)
      const [l, r] = values.map(compile) as [CompiledCertLogic, CompiledCertLogic]
      if (op === '===') return (data) => l(data) === r(data)
      if (op === 'in') {
        return (data) => {
          const x = l(data)
          const list = r(data)
          if (!Array.isArray(list)) {
            throw new Error('right-hand side of an "in" operation must be an array')
          }
          return list.indexOf(x) > -1
        }
      }
      return (data) => {
        const x = l(data)
        const y = r(data)
        if (!isInt(x) || !isInt(y)) throw new Error('operands of "+" must both be integers')
        return x + y
      }
    }
    case 'plusTime': {
      // The amount and unit are literals (spec "plusTime"), read here once.
      const [date, amount, unit] = values as unknown[]
      if (!isInt(amount)) return fails('"amount" argument (#2) of "plusTime" must be an integer')
      if (!TIME_UNITS.includes(unit as (typeof TIME_UNITS)[number])) {
        return fails(`"unit" argument (#3) of "plusTime" must be one of ${TIME_UNITS.join(', ')}`)
      }
      const d = compile(date)
      return (data) => {
        const text = d(data)
        if (typeof text !== 'string')
          throw new Error('date argument (#1) of "plusTime" must be a string')
        return plusTime(text, amount, unit as (typeof TIME_UNITS)[number])
      }
    }
    case 'reduce': {
      const [operand, lambda, initial] = (values as unknown[]).map(compile) as [
        CompiledCertLogic,
        CompiledCertLogic,
        CompiledCertLogic,
      ]
      return (data) => {
        const list = operand(data)
        if (list === null) return initial(data)
        if (!Array.isArray(list))
          throw new Error('operand of reduce evaluated to a non-null non-array')
        let accumulator = initial(data)
        // The lambda sees only accumulator and current (spec "reduce", unpatched).
        for (const current of list) accumulator = lambda({ accumulator, current })
        return accumulator
      }
    }
    case 'extractFromUVCI': {
      const [uvci, index] = values as unknown[]
      const u = compile(uvci)
      return (data) => {
        const text = u(data)
        if (text !== null && typeof text !== 'string') {
          throw new Error(
            '"UVCI" argument (#1) of "extractFromUVCI" must be either a string or null',
          )
        }
        if (!isInt(index))
          throw new Error('"index" argument (#2) of "extractFromUVCI" must be an integer')
        if (text === null || index < 0) return null
        // Spec "extractFromUVCI": without the optional prefix, split on '/', '#' and ':'.
        const body = text.startsWith('URN:UVCI:') ? text.slice(9) : text
        const fragments = body.split(/[/#:]/)
        return index < fragments.length ? fragments[index] : null
      }
    }
    case 'dccDateOfBirth': {
      const operand = compile(values[0])
      return (data) => {
        const text = operand(data)
        if (typeof text !== 'string')
          throw new Error('operand of "dccDateOfBirth" must be a string')
        return dccDateOfBirth(text)
      }
    }
    default:
      return fails(`unrecognised operator: "${op}"`)
  }
}

/** Compiles a CertLogic expression (never throws; see the module comment). */
export function compile(expr: CertLogicExpression | unknown): CompiledCertLogic {
  // Literals: strings, integers and booleans evaluate to themselves.
  if (typeof expr === 'string' || typeof expr === 'boolean' || isInt(expr)) return () => expr
  if (Array.isArray(expr)) {
    const items = expr.map(compile)
    return (data) => items.map((item) => item(data))
  }
  if (typeof expr === 'object' && expr !== null) {
    const keys = Object.keys(expr)
    if (keys.length !== 1) return fails('unrecognised expression object encountered')
    const op = keys[0] as string
    return compileOperation(op, (expr as Record<string, unknown>)[op])
  }
  return fails(`invalid CertLogic expression: ${String(expr)}`)
}
