/**
 * The exposure service's fixed parameters: the verification protocol, the v1 publish API and the
 * export format, with google/exposure-notifications-server defaults unless noted.
 */
export const EXPOSURE = {
  /** The region written into exports, and the only health authority accepted on publish. */
  region: 'ZZ',
  healthAuthorities: ['vigil'] as readonly string[],
  certificateIssuer: 'vigil-exposure-verification',
  certificateAudience: 'vigil-exposure-key-server',
  shortCodeMs: 15 * 60_000,
  longCodeMs: 24 * 3_600_000,
  tokenMs: 24 * 3_600_000,
  certificateSeconds: 15 * 60,
  /** Codes per bulk call. */
  maxBatch: 100,
  maxKeys: 30,
  /** Keys valid at some point in the last 14 days. */
  maxAgeDays: 14,
  maxSameStart: 3,
  maxOnsetDays: 14,
  /** Verification attempts per hashed client bucket per window, and for everyone together. */
  verifyLimit: { scope: 'exposure-verify', limit: 10, windowMs: 60 * 60_000 },
  verifyGlobalLimit: { scope: 'exposure-verify-all', limit: 2_000, windowMs: 60 * 60_000 },
  exportMinRecords: 1_000,
  exportPaddingRange: 100,
  exportMaxRecords: 500_000,
  /** Export windows close on the hour and are published only once two hours old. */
  exportWindowMs: 6 * 3_600_000,
  minWindowAgeMs: 2 * 3_600_000,
  signatureInfo: { verificationKeyVersion: 'v1', verificationKeyId: 'vigil' },
} as const

/** TR backfill by report type (confirmed 2, likely 4, negative 6, self-report 5). */
export const TR_BACKFILL: Record<string, number> = {
  confirmed: 2,
  likely: 4,
  negative: 6,
  'user-report': 5,
}

/** export.proto ReportType by the certificate's reportType. */
export const REPORT_TYPE: Record<string, number> = {
  confirmed: 1,
  likely: 2,
  'user-report': 3,
}

export const TEST_TYPES = ['confirmed', 'likely', 'negative', 'user-report'] as const
export type TestType = (typeof TEST_TYPES)[number]

export const HOUR_MS = 3_600_000
export const floorHour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS
/** Up to the hour: an expiry rounded so it is never earlier than promised. */
export const ceilHour = (ms: number) => Math.ceil(ms / HOUR_MS) * HOUR_MS
