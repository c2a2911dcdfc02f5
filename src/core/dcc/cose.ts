/**
 * @module core/dcc/cose
 * COSE_Sign1 (RFC 9052 §4.2) as the DCC uses it: `[protected bstr, unprotected map, payload
 * bstr, signature bstr]`, with tag 18, without a tag, or inside the CWT tag 61 (RFC 8392 §6) —
 * all three occur in the dgc-testdata vectors (CO28, ES/150x). The protected header's original
 * bytes are kept for the Sig_structure: re-encoding them would change what was signed.
 */
import { CborTagged, decodeStructure, encodeStringArray } from './cbor.ts'
import { DccError } from './errors.ts'

/** RFC 9053 §2.1 and RFC 8230 §2: the two algorithms hcert §3.2 allows. */
export const ALG_ES256 = -7
export const ALG_PS256 = -37
/** RFC 9052 §3.1 header labels. */
const LABEL_ALG = 1
const LABEL_KID = 4

export interface CoseSign1 {
  /** The protected header exactly as encoded (the bstr's content). */
  readonly protectedBytes: Uint8Array
  readonly payload: Uint8Array
  readonly signature: Uint8Array
  /** `alg` from the protected header, else the unprotected one (dcc.md §2, vector CO20). */
  readonly alg: number | undefined
  /** Where `alg` was found: an unprotected one is used only if it matches the key type. */
  readonly algProtected: boolean
  /** `kid` from the protected header, else the unprotected one (hcert §3.3.1). */
  readonly kid: Uint8Array | undefined
  readonly tagging: 'cose' | 'cwt' | 'none'
}

function bad(message: string, field = 'cose', cause?: unknown): DccError {
  return new DccError('DCC_COSE', message, { field, ...(cause === undefined ? {} : { cause }) })
}

function header(map: unknown, where: string): Map<unknown, unknown> {
  if (!(map instanceof Map)) throw bad(`the ${where} header is not a map`, where)
  const alg = map.get(LABEL_ALG)
  if (alg !== undefined && !Number.isInteger(alg)) throw bad(`${where} alg is not an integer`)
  const kid = map.get(LABEL_KID)
  if (kid !== undefined && !(kid instanceof Uint8Array)) throw bad(`${where} kid is not bytes`)
  return map
}

/** Parses the (attacker-controlled) bytes of a COSE_Sign1; throws DCC_COSE. */
export function parseCoseSign1(bytes: Uint8Array): CoseSign1 {
  let item: unknown
  try {
    item = decodeStructure(bytes)
  } catch (cause) {
    throw bad('not CBOR, or CBOR with an unexpected tag', 'cose', cause)
  }
  let tagging: CoseSign1['tagging'] = 'none'
  if (item instanceof CborTagged && item.tag === 61) {
    // RFC 8392 §6: the CWT tag wraps the COSE message, which keeps its own tag.
    tagging = 'cwt'
    item = item.value
    if (!(item instanceof CborTagged && item.tag === 18)) throw bad('tag 61 must wrap tag 18')
  }
  if (item instanceof CborTagged) {
    if (item.tag !== 18) throw bad(`tag ${item.tag} is not COSE_Sign1 (18)`)
    if (tagging === 'none') tagging = 'cose'
    item = item.value
  }
  if (!Array.isArray(item) || item.length !== 4) throw bad('not an array of four items')
  const [protectedBytes, unprotected, payload, signature] = item as unknown[]
  if (!(protectedBytes instanceof Uint8Array)) throw bad('protected header is not a bstr')
  if (!(payload instanceof Uint8Array)) throw bad('payload is not a bstr (detached?)', 'payload')
  if (!(signature instanceof Uint8Array)) throw bad('signature is not a bstr', 'signature')
  let protectedMap: unknown = new Map()
  // RFC 9052 §3: an empty protected header may be a zero-length bstr.
  if (protectedBytes.length > 0) {
    try {
      protectedMap = decodeStructure(protectedBytes)
    } catch (cause) {
      throw bad('protected header is not CBOR', 'protected', cause)
    }
  }
  const p = header(protectedMap, 'protected')
  const u = header(unprotected, 'unprotected')
  const palg = p.get(LABEL_ALG) as number | undefined
  const alg = palg ?? (u.get(LABEL_ALG) as number | undefined)
  const kid = (p.get(LABEL_KID) ?? u.get(LABEL_KID)) as Uint8Array | undefined
  return {
    protectedBytes,
    payload,
    signature,
    alg,
    algProtected: palg !== undefined,
    kid,
    tagging,
  }
}

/** RFC 9052 §4.4: `["Signature1", protected, external_aad = h'', payload]`. */
export function sigStructure(cose: CoseSign1): Uint8Array {
  return encodeStringArray(['Signature1', cose.protectedBytes, new Uint8Array(0), cose.payload])
}
