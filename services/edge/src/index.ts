export { createEdge, EdgeErrorCode } from './app.js';
export type { Edge, EdgeDeps, EdgeOptions } from './app.js';
export { authOptions, createAuthenticator, TOKEN_SUBPROTOCOL } from './auth.js';
export type { Authenticator, AuthOptions, AuthResult, Grant } from './auth.js';
export { edgeConfigSchema, parseEdgeConfig } from './config.js';
export type { EdgeConfig } from './config.js';
