/** @module core/codec/json — telling a JSON object apart from arrays, null and scalars. */

export type JsonObject = { [key: string]: unknown }

/** A parsed JSON value that is an object (not an array, not null): untrusted input's first check. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
