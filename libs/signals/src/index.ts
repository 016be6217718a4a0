export { SignalsError, SignalsErrorCode } from './errors.js';
export type { Bar, Grade, StockInfo } from './types.js';
export {
  DEFAULT_CLOSING_BET_CONFIG,
  DEFAULT_GATE_CONFIG,
  DEFAULT_VCP_CONFIG,
  resolveClosingBetConfig,
  resolveGateConfig,
  resolveVcpConfig,
} from './config.js';
export type { ClosingBetConfig, GateConfig, VcpConfig } from './config.js';
export { sma } from './indicators/sma.js';
export { bollingerBands, bollingerWidths } from './indicators/bollinger.js';
export type { BollingerBands } from './indicators/bollinger.js';
export { findSwings } from './indicators/swings.js';
export type { SwingPoint, Swings } from './indicators/swings.js';
export { periodReturn } from './indicators/returns.js';
export { ETF_BRANDS, isSignalUniverse, universeExclusion } from './universe.js';
export { RS_MIN_BARS, rsRatings, weightedReturn } from './relative-strength.js';
export { evaluateTrendTemplate } from './trend-template.js';
export type { TrendTemplateResult, TrendValues } from './trend-template.js';
export { evaluateVcp } from './vcp.js';
export type { VcpInput, VcpResult, VcpSignal, VcpState } from './vcp.js';
export { CLOSING_BET_REASONS, evaluateClosingBet, fallbackNewsScore } from './closing-bet.js';
export type { ClosingBetInput, ClosingBetResult, ClosingBetScore, ClosingBetSignal, NewsScorer } from './closing-bet.js';
export { DEFAULT_SECTOR_ETFS, computeMarketGate } from './market-gate.js';
export type {
  GateSector,
  GateStatus,
  IndexReading,
  MarketGate,
  MarketGateInput,
  SectorEtf,
  SectorReading,
  SectorSignal,
} from './market-gate.js';
export { signalSetChecksum, sortSignals } from './sets.js';
export type { ChecksumSignal, SortableSignal } from './sets.js';
