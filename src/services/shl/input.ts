/**
 * @module services/shl/input
 * What a citizen (or a records system for them) asks for when making a link, and the rules of
 * the IG on it (§Construct a SMART Health Link Payload, §Manifest Request): a label of at most 80
 * characters, `U` never with a passcode, `U` with a single file. zod checks the shape; the
 * service checks what needs the database (the credentials must be the holder's).
 */
import { z } from 'zod'
import { MAX_SHL_LABEL_LENGTH } from '../../core/shl/index.ts'

export const SHL_KINDS = ['immunization', 'test'] as const
/** Wrong passcodes a link survives in its lifetime (IG: the server SHALL enforce a limit). */
export const SHL_PASSCODE_ATTEMPTS = 10
/** A link lives at most this long (a long-term link may also have no expiry). */
export const MAX_SHL_DAYS = 5 * 366
const MAX_PASSCODE_LENGTH = 64
const MIN_PASSCODE_LENGTH = 4

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/

export const ShlLinkInput = z
  .strictObject({
    /** The credentials to share (the holder's own); omitted: all of them that are valid. */
    credentials: z
      .array(z.uuid().transform((s) => s.toLowerCase()))
      .min(1)
      .max(100)
      .optional(),
    /** Which records; a long-term link takes every record of these kinds, now and later. */
    kinds: z.array(z.enum(SHL_KINDS)).min(1).max(2).optional(),
    /** Each card as a SMART Health Card file (signed, verifiable). */
    cards: z.boolean().default(true),
    /** One FHIR R4 bundle of all the records, shaped as an International Patient Summary. */
    bundle: z.boolean().default(false),
    passcode: z
      .string()
      .min(MIN_PASSCODE_LENGTH)
      .max(MAX_PASSCODE_LENGTH)
      .refine((s) => !CONTROL.test(s), 'must not contain control characters')
      .optional(),
    /** Flag L: the manifest follows new credentials and drops revoked ones. */
    longTerm: z.boolean().default(false),
    /** Flag U: one encrypted file fetched by GET, no manifest (never with a passcode). */
    singleFile: z.boolean().default(false),
    /** ISO 8601 date-time; omitted: no expiry. */
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    label: z
      .string()
      .min(1)
      .refine(
        (s) => [...s].length <= MAX_SHL_LABEL_LENGTH,
        `at most ${MAX_SHL_LABEL_LENGTH} characters`,
      )
      .refine((s) => !CONTROL.test(s), 'must not contain control characters')
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (v.singleFile && v.passcode !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['singleFile'],
        message: 'a single-file link (U) cannot have a passcode (P): the IG forbids it',
      })
    }
    if (!v.cards && !v.bundle) {
      ctx.addIssue({
        code: 'custom',
        path: ['cards'],
        message: 'share the cards, the bundle or both',
      })
    }
    if (v.singleFile && v.cards && v.bundle) {
      ctx.addIssue({
        code: 'custom',
        path: ['singleFile'],
        message: 'a single-file link (U) carries the cards or the bundle, not both',
      })
    }
    if (v.longTerm && v.credentials !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['credentials'],
        message: 'a long-term link follows every record of the chosen kinds; choose kinds instead',
      })
    }
  })
  .meta({ id: 'ShlLinkInput' })

export type ShlLinkInput = z.input<typeof ShlLinkInput>

/** A change to a link: a new label (null removes it), or `active: false` to deactivate it. */
export const ShlLinkChange = z
  .strictObject({
    label: z
      .string()
      .min(1)
      .refine(
        (s) => [...s].length <= MAX_SHL_LABEL_LENGTH,
        `at most ${MAX_SHL_LABEL_LENGTH} characters`,
      )
      .refine((s) => !CONTROL.test(s), 'must not contain control characters')
      .nullable()
      .optional(),
    active: z.literal(false).optional(),
  })
  .refine((v) => v.label !== undefined || v.active !== undefined, {
    message: 'give a label or active: false',
    path: ['label'],
  })
  .meta({ id: 'ShlLinkChange' })

export type ShlLinkChange = z.input<typeof ShlLinkChange>

/** The manifest request body (IG §Manifest Request); unknown properties are ignored. */
export const ShlManifestBody = z
  .object({
    recipient: z.string().min(1).max(1000),
    passcode: z.string().max(1000).optional(),
    embeddedLengthMax: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .meta({ id: 'ShlManifestRequest' })

export type ShlManifestBody = z.infer<typeof ShlManifestBody>

/** The recipient as stored in the access log: bounded, without control characters. */
export function recipientLabel(recipient: string): string {
  const clean = [...recipient.replace(new RegExp(CONTROL.source, 'gu'), ' ').trim()]
  return (clean.length > 200 ? `${clean.slice(0, 199).join('')}…` : clean.join('')) || '?'
}
