export { type Config, ConfigError, parseConfig } from './config.ts'
