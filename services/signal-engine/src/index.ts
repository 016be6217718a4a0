export { createSignalEngine } from './app.js';
export type { SignalEngine, SignalEngineDeps, SignalEngineOptions } from './app.js';
export { parseSignalEngineConfig, signalEngineConfigSchema } from './config.js';
export type { SignalEngineConfig } from './config.js';
