import { SignalsError, SignalsErrorCode } from './errors.js';

/**
 * Every threshold of `docs/signals.md` as a default. Callers pass partial overrides; ratios are
 * fractions (0.08 = 8 %) unless the name ends in `Pct` (percent points, 3 = 3 %), money is KRW,
 * lengths are bars (trading days).
 */
export interface VcpConfig {
  /** Bars needed, today's included. */
  readonly minBars: number;
  /** Trend template: RS rating floor. */
  readonly minRsRating: number;
  readonly smaShortBars: number;
  readonly smaMidBars: number;
  readonly smaLongBars: number;
  /** The long SMA must be higher than this many bars ago. */
  readonly smaLongRisingBars: number;
  /** 52 weeks, today's bar included. */
  readonly yearBars: number;
  /** close ≥ this × 52-week low. */
  readonly minCloseToYearLow: number;
  /** close ≥ this × 52-week high. */
  readonly minCloseToYearHigh: number;
  /** Contractions are looked for in this many last bars. */
  readonly patternLookbackBars: number;
  /** Bars on each side a swing high (low) must be strictly above (below): 2 = a 5-bar fractal. */
  readonly swingRadiusBars: number;
  readonly minContractions: number;
  readonly maxContractions: number;
  readonly minFirstDepth: number;
  readonly maxFirstDepth: number;
  /** Each depth ≤ this × the previous depth. */
  readonly maxDepthRatio: number;
  readonly maxLastDepth: number;
  /** From the first high to today, both included. */
  readonly minPatternBars: number;
  readonly dryUpShortBars: number;
  readonly dryUpLongBars: number;
  /** mean(short) / mean(long) must be ≤ this; also the ratio that still earns `dryUpWeakPoints`. */
  readonly maxDryUpRatio: number;
  /**
   * Setup while (pivot − close) / pivot ≤ this (close ≥ 0.92 × pivot); the pivot-proximity score
   * falls linearly to 0 at the same distance.
   */
  readonly maxPivotDistance: number;
  /** Breakout volume is compared with the mean of this many bars before today. */
  readonly breakoutVolumeBars: number;
  readonly breakoutVolumeMultiple: number;
  readonly trendPoints: number;
  readonly contractionPoints: number;
  readonly dryUpStrongRatio: number;
  readonly dryUpStrongPoints: number;
  readonly dryUpMediumRatio: number;
  readonly dryUpMediumPoints: number;
  readonly dryUpWeakPoints: number;
  readonly pivotPoints: number;
  readonly rsPoints: number;
  /** RS points reach `rsPoints` at this rating: 15 × (RS − 70) / (99 − 70). */
  readonly maxRsRating: number;
  readonly gradeSMinScore: number;
  readonly gradeAMinScore: number;
  readonly gradeBMinScore: number;
  readonly targetGainS: number;
  readonly targetGainA: number;
  readonly targetGainB: number;
  /** `foreign_net_5d` / `inst_net_5d` sum this many last bars. */
  readonly flowDays: number;
}

export const DEFAULT_VCP_CONFIG: VcpConfig = Object.freeze({
  minBars: 260,
  minRsRating: 70,
  smaShortBars: 50,
  smaMidBars: 150,
  smaLongBars: 200,
  smaLongRisingBars: 21,
  yearBars: 250,
  minCloseToYearLow: 1.3,
  minCloseToYearHigh: 0.75,
  patternLookbackBars: 120,
  swingRadiusBars: 2,
  minContractions: 2,
  maxContractions: 6,
  minFirstDepth: 0.08,
  maxFirstDepth: 0.4,
  maxDepthRatio: 0.75,
  maxLastDepth: 0.1,
  minPatternBars: 15,
  dryUpShortBars: 10,
  dryUpLongBars: 50,
  maxDryUpRatio: 0.7,
  maxPivotDistance: 0.08,
  breakoutVolumeBars: 50,
  breakoutVolumeMultiple: 1.5,
  trendPoints: 25,
  contractionPoints: 25,
  dryUpStrongRatio: 0.5,
  dryUpStrongPoints: 20,
  dryUpMediumRatio: 0.6,
  dryUpMediumPoints: 15,
  dryUpWeakPoints: 10,
  pivotPoints: 15,
  rsPoints: 15,
  maxRsRating: 99,
  gradeSMinScore: 80,
  gradeAMinScore: 65,
  gradeBMinScore: 50,
  targetGainS: 0.2,
  targetGainA: 0.15,
  targetGainB: 0.1,
  flowDays: 5,
});

export interface ClosingBetConfig {
  /** Completed bars needed before today's bar. */
  readonly minHistoryBars: number;
  /** The last bar must be the KST date of `now` (the live bar); off only for replays. */
  readonly requireTodayBar: boolean;
  readonly minTradingValueKrw: number;
  readonly minChangePct: number;
  readonly maxChangePct: number;
  readonly minPriceKrw: number;
  readonly maxPriceKrw: number;
  /** Filter: upper shadow ≤ this × body. */
  readonly maxUpperShadowToBody: number;
  /** News fallback: 1 point, plus one per threshold reached (≥ 1,000억 → 2, ≥ 5,000억 → 3). */
  readonly newsFallbackTiersKrw: readonly number[];
  /** Volume item: one point per threshold reached (1,000억, 5,000억, 1조). */
  readonly volumeTiersKrw: readonly number[];
  /** "Previous 52-week high": the highest high of up to this many bars before today. */
  readonly yearBars: number;
  readonly smaShortBars: number;
  readonly smaLongBars: number;
  /** Candle item: upper shadow < this × body. */
  readonly candleMaxUpperShadowToBody: number;
  readonly bollingerBars: number;
  readonly bollingerSigmas: number;
  readonly squeezeRecentBars: number;
  readonly squeezePriorBars: number;
  /** mean(recent widths) < this × mean(prior widths). */
  readonly squeezeMaxRatio: number;
  readonly flowDays: number;
  /** Flow item: one point per threshold reached by (foreign⁺ + institution⁺ KRW) / trading value. */
  readonly flowTiers: readonly number[];
  readonly volumeMeanBars: number;
  /** Bonus: one point per multiple of the mean volume reached (2×, 3×, 4×, 5×, 6×). */
  readonly volumeRatioTiers: readonly number[];
  readonly limitUpChangePct: number;
  readonly gradeSMinTradingValueKrw: number;
  readonly gradeSMinTotal: number;
  readonly gradeAMinTradingValueKrw: number;
  readonly gradeAMinTotal: number;
  readonly gradeBMinTradingValueKrw: number;
  readonly gradeBMinTotal: number;
  readonly stopFactor: number;
  readonly targetFactor: number;
  readonly capitalKrw: number;
  readonly positionShareS: number;
  readonly positionShareA: number;
  readonly positionShareB: number;
}

export const DEFAULT_CLOSING_BET_CONFIG: ClosingBetConfig = Object.freeze({
  minHistoryBars: 60,
  requireTodayBar: true,
  minTradingValueKrw: 100_000_000_000,
  minChangePct: 3,
  maxChangePct: 30,
  minPriceKrw: 1_000,
  maxPriceKrw: 500_000,
  maxUpperShadowToBody: 0.5,
  newsFallbackTiersKrw: Object.freeze([100_000_000_000, 500_000_000_000]),
  volumeTiersKrw: Object.freeze([100_000_000_000, 500_000_000_000, 1_000_000_000_000]),
  yearBars: 250,
  smaShortBars: 20,
  smaLongBars: 60,
  candleMaxUpperShadowToBody: 0.3,
  bollingerBars: 20,
  bollingerSigmas: 2,
  squeezeRecentBars: 5,
  squeezePriorBars: 20,
  squeezeMaxRatio: 0.8,
  flowDays: 5,
  flowTiers: Object.freeze([0.05, 0.1]),
  volumeMeanBars: 20,
  volumeRatioTiers: Object.freeze([2, 3, 4, 5, 6]),
  limitUpChangePct: 29.5,
  gradeSMinTradingValueKrw: 1_000_000_000_000,
  gradeSMinTotal: 10,
  gradeAMinTradingValueKrw: 500_000_000_000,
  gradeAMinTotal: 8,
  gradeBMinTradingValueKrw: 100_000_000_000,
  gradeBMinTotal: 6,
  stopFactor: 0.97,
  targetFactor: 1.05,
  capitalKrw: 10_000_000,
  positionShareS: 0.15,
  positionShareA: 0.12,
  positionShareB: 0.1,
});

export interface GateConfig {
  readonly baseLevel: number;
  /** An index change above this (percent) scores the strong points, above 0 the weak ones. */
  readonly indexStrongPct: number;
  readonly indexStrongPoints: number;
  readonly indexWeakPoints: number;
  /** A sector is bullish above +this percent and bearish below −this. */
  readonly sectorSignalPct: number;
  readonly sectorPoints: number;
  /** The sector bonus is clamped to ±this. */
  readonly sectorMaxPoints: number;
  readonly greenMinLevel: number;
  readonly yellowMinLevel: number;
}

export const DEFAULT_GATE_CONFIG: GateConfig = Object.freeze({
  baseLevel: 50,
  indexStrongPct: 1,
  indexStrongPoints: 20,
  indexWeakPoints: 10,
  sectorSignalPct: 1,
  sectorPoints: 5,
  sectorMaxPoints: 20,
  greenMinLevel: 70,
  yellowMinLevel: 40,
});

type ConfigValue = number | boolean | readonly number[];

/**
 * Defaults with `overrides` applied, frozen. Throws SIGNALS_INVALID_CONFIG for an unknown key or a
 * value of the wrong kind (non-finite numbers included), so a typo in the engine's configuration
 * fails at boot instead of silently using a default.
 */
function resolveConfig<T extends object>(what: string, defaults: T, overrides: Partial<T> | undefined): T {
  if (overrides === undefined) return defaults;
  const problems: string[] = [];
  const known = defaults as Readonly<Record<string, ConfigValue>>;
  for (const [key, value] of Object.entries<unknown>(overrides)) {
    const fallback = known[key];
    if (fallback === undefined) problems.push(`unknown key ${key}`);
    else if (!sameKind(fallback, value)) problems.push(`${key}: ${JSON.stringify(value)} is not like ${JSON.stringify(fallback)}`);
  }
  if (problems.length > 0) throw new SignalsError(SignalsErrorCode.InvalidConfig, `${what}: ${problems.join('; ')}`);
  return Object.freeze({ ...defaults, ...overrides });
}

function sameKind(fallback: ConfigValue, value: unknown): boolean {
  if (typeof fallback === 'number') return typeof value === 'number' && Number.isFinite(value);
  if (typeof fallback === 'boolean') return typeof value === 'boolean';
  return Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v));
}

export function resolveVcpConfig(overrides?: Partial<VcpConfig>): VcpConfig {
  return resolveConfig('VCP config', DEFAULT_VCP_CONFIG, overrides);
}

export function resolveClosingBetConfig(overrides?: Partial<ClosingBetConfig>): ClosingBetConfig {
  return resolveConfig('closing-bet config', DEFAULT_CLOSING_BET_CONFIG, overrides);
}

export function resolveGateConfig(overrides?: Partial<GateConfig>): GateConfig {
  return resolveConfig('market-gate config', DEFAULT_GATE_CONFIG, overrides);
}
