export { createEdge, EdgeErrorCode } from './app.js';
export type { Edge, EdgeDeps, EdgeOptions } from './app.js';
export { edgeConfigSchema, parseEdgeConfig } from './config.js';
export type { EdgeConfig } from './config.js';
