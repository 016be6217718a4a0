export { createKiwoomSim, createClockFromConfig, MAX_BODY_BYTES } from './app.js';
export type { KiwoomSim, KiwoomSimDeps, KiwoomSimOptions } from './app.js';
export {
  DEFAULT_APP_KEY,
  DEFAULT_PAGE_SIZE,
  DEFAULT_PORT,
  DEFAULT_SECRET_KEY,
  DEFAULT_SEED,
  kiwoomSimConfigSchema,
  parseKiwoomSimConfig,
} from './config.js';
export type { KiwoomSimConfig } from './config.js';
export { adaptSimClock, parseInstant } from './clock.js';
export type { AdjustableClock, ClockSetting, ClockState } from './clock.js';
export { FAULT_KINDS, FaultInputError, SATURATED_VALUES } from './faults.js';
export type { Fault, FaultKind, FaultScope, FaultSet } from './faults.js';
export { KiwoomApiError, kiwoomErrors } from './api/errors.js';
export type { SimMode } from './api/rate-limit.js';
export type { StatsSnapshot } from './stats.js';
export type { DailyBar, IndexCode, IndexQuote, Instrument, LiveQuote, SessionPhase, SimMarket } from './market/model.js';
