export { ConfigError, bool, int, list, oneOf, parseConfig, parseEnvOrExit, renderConfigTable, str, url } from './schema.js';
export type { ConfigOf, Field, ParseOptions, Schema } from './schema.js';
