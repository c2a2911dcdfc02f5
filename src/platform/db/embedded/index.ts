export { EmbeddedBusyError, type OpenEmbeddedOptions, openEmbedded } from './open.ts'
