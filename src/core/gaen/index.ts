/** Exposure Notification (GAEN) core: crypto, matching, tekmac, export format and signatures. */
export * from './aes.ts'
export * from './crypto.ts'
export * from './export.ts'
export * from './hkdf.ts'
export * from './match.ts'
export * from './signature.ts'
export * from './tekmac.ts'
