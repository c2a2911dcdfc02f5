/**
 * @module http/params
 * zod pieces for query and path parameters, bounded by what the database can hold, so that a
 * client's out-of-range value is a 400 naming the field and never an overflow inside a query.
 */
import { z } from '@hono/zod-openapi'

/** Largest value of a Postgres `bigint` (int8): every log index, size and tile index is one. */
export const MAX_INT8 = (1n << 63n) - 1n

/**
 * A log index or tree size: a decimal integer in 0 … 2^63−1. RFC 9162 allows 2^64−1, but the
 * database stores signed 64-bit integers, and no log here can grow past them.
 */
export const logIndex = (name: string) =>
  z
    .string()
    .regex(/^(0|[1-9][0-9]{0,18})$/, `${name} must be a decimal integer without leading zeros`)
    .transform((s) => BigInt(s))
    .refine((n) => n <= MAX_INT8, `${name} must be at most 2^63-1`)
    .openapi({ type: 'string', example: '42' })

/** C0 controls, DEL and C1 controls: Postgres text cannot hold U+0000, and none is ever meant. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
/** Lone UTF-16 surrogates: what a malformed percent-encoding or escape decodes to. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

export const hasControlCharacters = (s: string) => CONTROL.test(s) || LONE_SURROGATE.test(s)

/** A text filter or key (audit filters, an issuer URL): printable characters only. */
export const filterText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !hasControlCharacters(s), 'must not contain control characters')

/**
 * A UUID in its canonical lower-case form (RFC 9562 §4: output is lower case, input is case
 * insensitive), so one id names one record on every route, in the database and in the AAD that
 * seals its personal data.
 */
export const canonicalUuid = () =>
  z
    .uuid()
    .transform((s) => s.toLowerCase())
    .openapi({ type: 'string', format: 'uuid', example: '0b5f1e4c-3a1d-4f43-9a51-7c1f1b2d9e10' })
