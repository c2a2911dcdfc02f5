/**
 * The GAEN export file format (Exposure Key Export File Format and Verification, v1.x; proto2),
 * written out as protobufjs reflection so tests can decode Vigil's exports with an independent
 * decoder. Field numbers and types are facts of the published format: fixed64 timestamps,
 * sint32 days since onset, rolling period defaulting to 144 (24 h); SignatureInfo fields 1 and 2
 * are reserved (old app_bundle_id / android_package), so a decoder skips them.
 */
import protobuf from 'protobufjs'

const optional = (id: number, type: string, extra: Record<string, unknown> = {}) => ({
  id,
  type,
  ...extra,
})
const repeated = (id: number, type: string) => ({ id, type, rule: 'repeated' })

const DESCRIPTOR = {
  nested: {
    TemporaryExposureKeyExport: {
      fields: {
        startTimestamp: optional(1, 'fixed64'),
        endTimestamp: optional(2, 'fixed64'),
        region: optional(3, 'string'),
        batchNum: optional(4, 'int32'),
        batchSize: optional(5, 'int32'),
        signatureInfos: repeated(6, 'SignatureInfo'),
        keys: repeated(7, 'TemporaryExposureKey'),
        revisedKeys: repeated(8, 'TemporaryExposureKey'),
      },
    },
    SignatureInfo: {
      reserved: [[1, 2]],
      fields: {
        verificationKeyVersion: optional(3, 'string'),
        verificationKeyId: optional(4, 'string'),
        signatureAlgorithm: optional(5, 'string'),
      },
    },
    TemporaryExposureKey: {
      fields: {
        keyData: optional(1, 'bytes'),
        transmissionRiskLevel: optional(2, 'int32'),
        rollingStartIntervalNumber: optional(3, 'int32'),
        rollingPeriod: optional(4, 'int32', { options: { default: 144 } }),
        reportType: optional(5, 'ReportType'),
        daysSinceOnsetOfSymptoms: optional(6, 'sint32'),
        variantOfConcern: optional(8, 'VariantOfConcern'),
      },
      nested: {
        ReportType: {
          values: {
            UNKNOWN: 0,
            CONFIRMED_TEST: 1,
            CONFIRMED_CLINICAL_DIAGNOSIS: 2,
            SELF_REPORT: 3,
            RECURSIVE: 4,
            REVOKED: 5,
          },
        },
        VariantOfConcern: {
          values: {
            VARIANT_TYPE_UNKNOWN: 0,
            VARIANT_TYPE_1: 1,
            VARIANT_TYPE_2: 2,
            VARIANT_TYPE_3: 3,
            VARIANT_TYPE_4: 4,
          },
        },
      },
    },
    TEKSignatureList: {
      fields: { signatures: repeated(1, 'TEKSignature') },
    },
    TEKSignature: {
      fields: {
        signatureInfo: optional(1, 'SignatureInfo'),
        batchNum: optional(2, 'int32'),
        batchSize: optional(3, 'int32'),
        signature: optional(4, 'bytes'),
      },
    },
  },
}

/** export.bin (after its 16-byte header) and export.sig message types. */
export function gaenExportTypes(): { Export: protobuf.Type; SigList: protobuf.Type } {
  const root = protobuf.Root.fromJSON(DESCRIPTOR)
  return {
    Export: root.lookupType('TemporaryExposureKeyExport'),
    SigList: root.lookupType('TEKSignatureList'),
  }
}
