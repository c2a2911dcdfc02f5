/**
 * @module core/gaen/export
 * The signed export format (Google, Exposure Key Export File Format and Verification):
 * `export.bin` = 16-byte header "EK Export v1    " + proto2 `TemporaryExposureKeyExport`;
 * `export.sig` = `TEKSignatureList`; both in `export.zip`.
 * Encoded and decoded with @bufbuild/protobuf's wire reader/writer (no generated code, no eval);
 * the decoder skips unknown and reserved fields (the old samples carry SignatureInfo field 2).
 */
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire'
import { unzipSync, zipSync } from 'fflate'
import { fromUtf8, utf8 } from '../codec/index.ts'
import { GaenError } from './crypto.ts'

export const EXPORT_HEADER = utf8('EK Export v1    ')
/** ECDSA with SHA-256. */
export const ECDSA_SHA256_OID = '1.2.840.10045.4.3.2'

export const ReportType = {
  UNKNOWN: 0,
  CONFIRMED_TEST: 1,
  CONFIRMED_CLINICAL_DIAGNOSIS: 2,
  SELF_REPORT: 3,
  RECURSIVE: 4,
  REVOKED: 5,
} as const

export interface SignatureInfo {
  verificationKeyVersion?: string | undefined
  verificationKeyId?: string | undefined
  signatureAlgorithm?: string | undefined
}

export interface ExportKey {
  keyData: Uint8Array
  transmissionRiskLevel?: number | undefined
  rollingStartIntervalNumber: number
  /** Absent means 144. */
  rollingPeriod?: number | undefined
  reportType?: number | undefined
  daysSinceOnsetOfSymptoms?: number | undefined
}

export interface TekExport {
  startTimestamp: number
  endTimestamp: number
  region: string
  batchNum: number
  batchSize: number
  signatureInfos: SignatureInfo[]
  keys: ExportKey[]
  revisedKeys: ExportKey[]
}

export interface TekSignature {
  signatureInfo: SignatureInfo
  batchNum: number
  batchSize: number
  /** DER ECDSA signature over the whole export.bin. */
  signature: Uint8Array
}

function writeInfo(w: BinaryWriter, info: SignatureInfo): void {
  if (info.verificationKeyVersion !== undefined)
    w.tag(3, WireType.LengthDelimited).string(info.verificationKeyVersion)
  if (info.verificationKeyId !== undefined)
    w.tag(4, WireType.LengthDelimited).string(info.verificationKeyId)
  if (info.signatureAlgorithm !== undefined)
    w.tag(5, WireType.LengthDelimited).string(info.signatureAlgorithm)
}

function writeKey(w: BinaryWriter, k: ExportKey): void {
  w.tag(1, WireType.LengthDelimited).bytes(k.keyData)
  if (k.transmissionRiskLevel !== undefined)
    w.tag(2, WireType.Varint).int32(k.transmissionRiskLevel)
  w.tag(3, WireType.Varint).int32(k.rollingStartIntervalNumber)
  if (k.rollingPeriod !== undefined && k.rollingPeriod !== 144)
    w.tag(4, WireType.Varint).int32(k.rollingPeriod)
  if (k.reportType !== undefined) w.tag(5, WireType.Varint).int32(k.reportType)
  if (k.daysSinceOnsetOfSymptoms !== undefined)
    w.tag(6, WireType.Varint).sint32(k.daysSinceOnsetOfSymptoms)
}

/** export.bin: header + protobuf. */
export function encodeExport(e: TekExport): Uint8Array {
  const w = new BinaryWriter()
  w.raw(EXPORT_HEADER)
  w.tag(1, WireType.Bit64).fixed64(e.startTimestamp)
  w.tag(2, WireType.Bit64).fixed64(e.endTimestamp)
  w.tag(3, WireType.LengthDelimited).string(e.region)
  w.tag(4, WireType.Varint).int32(e.batchNum)
  w.tag(5, WireType.Varint).int32(e.batchSize)
  for (const info of e.signatureInfos) {
    w.tag(6, WireType.LengthDelimited).fork()
    writeInfo(w, info)
    w.join()
  }
  for (const [field, list] of [
    [7, e.keys],
    [8, e.revisedKeys],
  ] as const) {
    for (const k of list) {
      w.tag(field, WireType.LengthDelimited).fork()
      writeKey(w, k)
      w.join()
    }
  }
  return w.finish()
}

function fail(message: string, cause?: unknown): never {
  throw new GaenError('GAEN_EXPORT', message, { field: 'export', cause })
}

function readInfo(bytes: Uint8Array): SignatureInfo {
  const r = new BinaryReader(bytes)
  const info: SignatureInfo = {}
  while (r.pos < r.len) {
    const [no, type] = r.tag()
    if (no === 3 && type === WireType.LengthDelimited) info.verificationKeyVersion = r.string()
    else if (no === 4 && type === WireType.LengthDelimited) info.verificationKeyId = r.string()
    else if (no === 5 && type === WireType.LengthDelimited) info.signatureAlgorithm = r.string()
    else r.skip(type, no)
  }
  return info
}

function readKey(bytes: Uint8Array): ExportKey {
  const r = new BinaryReader(bytes)
  const k: Partial<ExportKey> = {}
  while (r.pos < r.len) {
    const [no, type] = r.tag()
    if (no === 1 && type === WireType.LengthDelimited) k.keyData = r.bytes()
    else if (no === 2 && type === WireType.Varint) k.transmissionRiskLevel = r.int32()
    else if (no === 3 && type === WireType.Varint) k.rollingStartIntervalNumber = r.int32()
    else if (no === 4 && type === WireType.Varint) k.rollingPeriod = r.int32()
    else if (no === 5 && type === WireType.Varint) k.reportType = r.int32()
    else if (no === 6 && type === WireType.Varint) k.daysSinceOnsetOfSymptoms = r.sint32()
    else r.skip(type, no)
  }
  if (k.keyData === undefined || k.rollingStartIntervalNumber === undefined)
    fail('a key lacks key_data or rolling_start_interval_number')
  return k as ExportKey
}

/** Parses export.bin (attacker-controlled input: every failure is GAEN_EXPORT). */
export function decodeExport(bin: Uint8Array): TekExport {
  if (bin.length < 16 || !EXPORT_HEADER.every((b, i) => bin[i] === b))
    fail('export.bin does not start with "EK Export v1    "')
  const e: TekExport = {
    startTimestamp: 0,
    endTimestamp: 0,
    region: '',
    batchNum: 0,
    batchSize: 0,
    signatureInfos: [],
    keys: [],
    revisedKeys: [],
  }
  try {
    const r = new BinaryReader(bin.subarray(16))
    while (r.pos < r.len) {
      const [no, type] = r.tag()
      if (no === 1 && type === WireType.Bit64) e.startTimestamp = Number(r.fixed64())
      else if (no === 2 && type === WireType.Bit64) e.endTimestamp = Number(r.fixed64())
      else if (no === 3 && type === WireType.LengthDelimited) e.region = r.string()
      else if (no === 4 && type === WireType.Varint) e.batchNum = r.int32()
      else if (no === 5 && type === WireType.Varint) e.batchSize = r.int32()
      else if (no === 6 && type === WireType.LengthDelimited)
        e.signatureInfos.push(readInfo(r.bytes()))
      else if (no === 7 && type === WireType.LengthDelimited) e.keys.push(readKey(r.bytes()))
      else if (no === 8 && type === WireType.LengthDelimited) e.revisedKeys.push(readKey(r.bytes()))
      else r.skip(type, no)
    }
  } catch (err) {
    if (err instanceof GaenError) throw err
    fail('export.bin is not a valid TemporaryExposureKeyExport', err)
  }
  return e
}

export function encodeSignatureList(list: readonly TekSignature[]): Uint8Array {
  const w = new BinaryWriter()
  for (const s of list) {
    w.tag(1, WireType.LengthDelimited).fork()
    w.tag(1, WireType.LengthDelimited).fork()
    writeInfo(w, s.signatureInfo)
    w.join()
    w.tag(2, WireType.Varint).int32(s.batchNum)
    w.tag(3, WireType.Varint).int32(s.batchSize)
    w.tag(4, WireType.LengthDelimited).bytes(s.signature)
    w.join()
  }
  return w.finish()
}

export function decodeSignatureList(bytes: Uint8Array): TekSignature[] {
  const out: TekSignature[] = []
  try {
    const r = new BinaryReader(bytes)
    while (r.pos < r.len) {
      const [no, type] = r.tag()
      if (no !== 1 || type !== WireType.LengthDelimited) {
        r.skip(type, no)
        continue
      }
      const s = new BinaryReader(r.bytes())
      const sig: TekSignature = {
        signatureInfo: {},
        batchNum: 0,
        batchSize: 0,
        signature: new Uint8Array(),
      }
      while (s.pos < s.len) {
        const [n, t] = s.tag()
        if (n === 1 && t === WireType.LengthDelimited) sig.signatureInfo = readInfo(s.bytes())
        else if (n === 2 && t === WireType.Varint) sig.batchNum = s.int32()
        else if (n === 3 && t === WireType.Varint) sig.batchSize = s.int32()
        else if (n === 4 && t === WireType.LengthDelimited) sig.signature = s.bytes()
        else s.skip(t, n)
      }
      out.push(sig)
    }
  } catch (err) {
    fail('export.sig is not a valid TEKSignatureList', err)
  }
  return out
}

/** export.zip with exactly export.bin and export.sig (fixed mtime: same input, same bytes). */
export function zipExport(bin: Uint8Array, sig: Uint8Array): Uint8Array {
  const mtime = new Date('2020-01-01T00:00:00Z')
  return zipSync({ 'export.bin': [bin, { mtime }], 'export.sig': [sig, { mtime }] }, { level: 6 })
}

export function unzipExport(zip: Uint8Array): { bin: Uint8Array; sig: Uint8Array } {
  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(zip)
  } catch (err) {
    fail('not a zip archive', err)
  }
  const bin = files['export.bin']
  const sig = files['export.sig']
  if (bin === undefined || sig === undefined) fail('the archive lacks export.bin or export.sig')
  return { bin, sig }
}

export const headerText = (bin: Uint8Array) => fromUtf8(bin.subarray(0, 16))
