import { resolveVcpConfig, type VcpConfig } from './config.js';
import { sma } from './indicators/sma.js';
import type { Bar } from './types.js';

/** The numbers the trend template compares, for tests and debugging. */
export interface TrendValues {
  readonly close: number;
  readonly smaShort: number;
  readonly smaMid: number;
  readonly smaLong: number;
  /** The long SMA `smaLongRisingBars` bars ago. */
  readonly smaLongBefore: number;
  /** Highest high and lowest low of the last `yearBars` bars, today's included. */
  readonly yearHigh: number;
  readonly yearLow: number;
}

export interface TrendTemplateResult {
  readonly passed: boolean;
  /** One line per failed rule; empty when passed. */
  readonly failures: readonly string[];
  /** Null when the series is too short to compute them. */
  readonly values: TrendValues | null;
}

/**
 * Minervini's trend template (signals.md, VCP step 1). The 52-week range uses bar highs and lows;
 * an unknown RS rating (null) fails the RS rule.
 */
export function evaluateTrendTemplate(bars: readonly Bar[], rsRating: number | null, overrides?: Partial<VcpConfig>): TrendTemplateResult {
  const config = resolveVcpConfig(overrides);
  const closes = bars.map((b) => b.close);
  const last = bars.at(-1);
  const smaShort = sma(closes, config.smaShortBars);
  const smaMid = sma(closes, config.smaMidBars);
  const smaLong = sma(closes, config.smaLongBars);
  const smaLongBefore = sma(closes, config.smaLongBars, closes.length - config.smaLongRisingBars);
  if (last === undefined || smaShort === null || smaMid === null || smaLong === null || smaLongBefore === null) {
    const needed = config.smaLongBars + config.smaLongRisingBars;
    return { passed: false, failures: [`trend template needs ${needed} bars, got ${bars.length}`], values: null };
  }
  const year = bars.slice(-config.yearBars);
  const values: TrendValues = {
    close: last.close,
    smaShort,
    smaMid,
    smaLong,
    smaLongBefore,
    yearHigh: Math.max(...year.map((b) => b.high)),
    yearLow: Math.min(...year.map((b) => b.low)),
  };
  const { close } = values;
  const s = config.smaShortBars;
  const m = config.smaMidBars;
  const l = config.smaLongBars;
  const rules: readonly (readonly [holds: boolean, failure: string])[] = [
    [close > smaMid, `close ${close} ≤ SMA${m} ${smaMid}`],
    [close > smaLong, `close ${close} ≤ SMA${l} ${smaLong}`],
    [smaMid > smaLong, `SMA${m} ${smaMid} ≤ SMA${l} ${smaLong}`],
    [smaLong > smaLongBefore, `SMA${l} ${smaLong} not above ${config.smaLongRisingBars} bars ago ${smaLongBefore}`],
    [smaShort > smaMid, `SMA${s} ${smaShort} ≤ SMA${m} ${smaMid}`],
    [smaShort > smaLong, `SMA${s} ${smaShort} ≤ SMA${l} ${smaLong}`],
    [close > smaShort, `close ${close} ≤ SMA${s} ${smaShort}`],
    [close >= config.minCloseToYearLow * values.yearLow, `close ${close} < ${config.minCloseToYearLow} × 52-week low ${values.yearLow}`],
    [
      close >= config.minCloseToYearHigh * values.yearHigh,
      `close ${close} < ${config.minCloseToYearHigh} × 52-week high ${values.yearHigh}`,
    ],
    [rsRating !== null && rsRating >= config.minRsRating, `RS rating ${rsRating ?? 'unknown'} < ${config.minRsRating}`],
  ];
  const failures = rules.filter(([holds]) => !holds).map(([, failure]) => failure);
  return { passed: failures.length === 0, failures, values };
}
