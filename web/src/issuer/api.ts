/**
 * Same-origin JSON calls for the issuer workspace, keeping the problem+json `field` (RFC 9457
 * extension member) so a refusal can be shown next to the field at fault.
 */
export class FieldError extends Error {
  readonly code: string
  readonly field: string | undefined
  readonly status: number

  constructor(code: string, message: string, status: number, field: string | undefined) {
    super(message)
    this.name = 'FieldError'
    this.code = code
    this.status = status
    this.field = field
  }
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  } catch {
    throw new FieldError('NETWORK', 'the service did not answer', 0, undefined)
  }
  if (res.status === 204) return undefined as T
  const text = await res.text()
  let data: unknown
  try {
    data = text === '' ? undefined : JSON.parse(text)
  } catch {
    data = undefined
  }
  if (!res.ok) {
    const p = (data ?? {}) as { code?: string; detail?: string; field?: string }
    throw new FieldError(
      p.code ?? `HTTP_${res.status}`,
      p.detail ?? res.statusText,
      res.status,
      p.field,
    )
  }
  return data as T
}

/** An error in words with the code a person can quote. */
export function reason(err: unknown): string {
  if (err instanceof FieldError) return `${err.message} (code ${err.code})`
  return err instanceof Error ? err.message : String(err)
}
