export type { WitnessConfig } from './config.ts'
export { type Config, ConfigError, parseConfig } from './config.ts'
