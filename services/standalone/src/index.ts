export { parseStandaloneConfig, standaloneConfigSchema } from './config.js';
export type { StandaloneConfig } from './config.js';
