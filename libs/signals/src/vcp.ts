import { kstIso, roundToTick } from '@repo/market';
import { resolveVcpConfig, type VcpConfig } from './config.js';
import { analyzeContractions, type Contraction } from './contractions.js';
import { netBuying } from './flows.js';
import { mean } from './indicators/sma.js';
import { clamp, roundTo } from './numbers.js';
import { evaluateTrendTemplate } from './trend-template.js';
import { universeExclusion } from './universe.js';
import { assertBarsOldestFirst, type Bar, type Grade, type StockInfo } from './types.js';

export type VcpState = 'setup' | 'breakout';

/**
 * A published VCP item (signals.md, "Signal item"), plus `signal_type: 'vcp'` for the frontend's
 * signal lists (seed-protocol.md §9.5). Scores and percentages have two decimals, ratios three.
 * A type alias rather than an interface so it is assignable to `Record<string, unknown>`.
 */
export type VcpSignal = {
  readonly ticker: string;
  readonly name: string;
  readonly signal_type: 'vcp';
  /** 0–100. */
  readonly score: number;
  readonly grade: Grade;
  readonly state: VcpState;
  /** Equal to `score`. */
  readonly vcp_score: number;
  /** Equal to `score`. */
  readonly total_score: number;
  /** Depth of T1…Tn in percent, oldest first. */
  readonly contractions: readonly number[];
  /** Mean volume of the last 10 bars / of the last 50. */
  readonly dry_up_ratio: number;
  /** High of the last contraction, KRW. */
  readonly pivot: number;
  /** (pivot − close) / pivot in percent: positive below the pivot, negative after a breakout. */
  readonly distance_to_pivot_pct: number;
  readonly rs_rating: number;
  /** The last bar's close. */
  readonly current_price: number;
  /** On the tick grid. */
  readonly entry_price: number;
  readonly target_price: number;
  readonly stop_price: number;
  /** 5-day net buying in SHARES (`for5d`, `inst5d`); null when no day reported it. */
  readonly foreign_net_5d: number | null;
  readonly inst_net_5d: number | null;
  /** Korean labels: 변동성 수축, 거래량 감소, and 피벗 돌파 on a breakout. */
  readonly signals: readonly string[];
  /** The last bar's date, `YYYY-MM-DD`. */
  readonly analysis_date: string;
  /** `now` as ISO-8601 with +09:00. */
  readonly created_at: string;
};

export interface VcpInput {
  readonly stock: StockInfo;
  /** Oldest first, today's bar last when there is one. */
  readonly bars: readonly Bar[];
  /** From `rsRatings`; null (not rated) fails the trend template. */
  readonly rsRating: number | null;
  readonly now: Date;
  readonly config?: Partial<VcpConfig>;
}

export interface VcpResult {
  readonly signal: VcpSignal | null;
  /** Why there is no signal, for debugging; empty when there is one. */
  readonly reasons: readonly string[];
}

export const VCP_LABEL_CONTRACTION = '변동성 수축';
export const VCP_LABEL_DRY_UP = '거래량 감소';
export const VCP_LABEL_BREAKOUT = '피벗 돌파';

/**
 * VCP (signals.md): trend template, contractions, volume dry-up, pivot state, score, grade and
 * levels. Independent rules are all checked, so `reasons` lists every failure at once.
 */
export function evaluateVcp(input: VcpInput): VcpResult {
  const config = resolveVcpConfig(input.config);
  const { stock, bars } = input;
  assertBarsOldestFirst(bars);
  const excluded = universeExclusion(stock);
  if (excluded !== null) return fail([`not in the signal universe: ${excluded}`]);
  if (bars.length < config.minBars) return fail([`needs ${config.minBars} bars, got ${bars.length}`]);
  const today = bars[bars.length - 1] as Bar;

  const reasons: string[] = [];
  const trend = evaluateTrendTemplate(bars, input.rsRating, config);
  reasons.push(...trend.failures);
  const pattern = analyzeContractions(bars, config);
  reasons.push(...pattern.failures);

  const volumes = bars.map((b) => b.volume);
  const dryUp = dryUpRatio(volumes, config);
  if (dryUp === null) reasons.push(`no volume in the last ${config.dryUpLongBars} bars`);
  else if (dryUp > config.maxDryUpRatio) reasons.push(`dry-up ratio ${roundTo(dryUp, 3)} > ${config.maxDryUpRatio}`);
  const first = pattern.contractions[0];
  const last = pattern.contractions.at(-1);
  if (first !== undefined && last !== undefined && first !== last) {
    const lastMean = meanVolume(volumes, last);
    const firstMean = meanVolume(volumes, first);
    if (!(lastMean < firstMean)) {
      reasons.push(`mean volume in the last contraction ${roundTo(lastMean, 2)} ≥ in T1 ${roundTo(firstMean, 2)}`);
    }
  }

  let state: VcpState | null = null;
  if (last !== undefined) {
    const priorVolumes = volumes.slice(-1 - config.breakoutVolumeBars, -1);
    const priorMean = priorVolumes.length === config.breakoutVolumeBars ? mean(priorVolumes) : null;
    state = pivotState(today, last.high, priorMean, config);
    if (state === null) reasons.push(pivotFailure(today, last.high, priorMean, config));
  }
  if (reasons.length > 0 || first === undefined || last === undefined || dryUp === null || state === null || input.rsRating === null) {
    return fail(reasons);
  }

  const distance = (last.high - today.close) / last.high;
  const parts = scoreParts(first.depth, last.depth, dryUp, distance, state, input.rsRating, config);
  const total = parts.reduce((a, b) => a + b, 0);
  // The grade is taken from the published (rounded) score, so the two never disagree.
  const score = roundTo(total, 2);
  const grade = gradeOf(score, config);
  if (grade === null) return fail([`score ${score} below grade B (${config.gradeBMinScore})`]);

  const entry = roundToTick(last.high, stock.kind, 'up');
  const gain = grade === 'S' ? config.targetGainS : grade === 'A' ? config.targetGainA : config.targetGainB;
  const flows = netBuying(bars, config.flowDays);
  const signal: VcpSignal = {
    ticker: stock.ticker,
    name: stock.name,
    signal_type: 'vcp',
    score,
    grade,
    state,
    vcp_score: score,
    total_score: score,
    contractions: pattern.contractions.map((c) => roundTo(c.depth * 100, 2)),
    dry_up_ratio: roundTo(dryUp, 3),
    pivot: last.high,
    distance_to_pivot_pct: roundTo(distance * 100, 2),
    rs_rating: input.rsRating,
    current_price: today.close,
    entry_price: entry,
    target_price: roundToTick(entry * (1 + gain), stock.kind, 'nearest'),
    // A stop sits at or below the contraction low, never above it.
    stop_price: roundToTick(last.low, stock.kind, 'down'),
    foreign_net_5d: flows.foreignShares,
    inst_net_5d: flows.institutionShares,
    signals:
      state === 'breakout' ? [VCP_LABEL_CONTRACTION, VCP_LABEL_DRY_UP, VCP_LABEL_BREAKOUT] : [VCP_LABEL_CONTRACTION, VCP_LABEL_DRY_UP],
    analysis_date: today.date,
    created_at: kstIso(input.now),
  };
  return { signal, reasons: [] };
}

function fail(reasons: readonly string[]): VcpResult {
  return { signal: null, reasons };
}

/** Mean volume of the last `dryUpShortBars` / of the last `dryUpLongBars` (today's included). */
function dryUpRatio(volumes: readonly number[], config: VcpConfig): number | null {
  const short = mean(volumes.slice(-config.dryUpShortBars));
  const long = mean(volumes.slice(-config.dryUpLongBars));
  return short === null || long === null || !(long > 0) ? null : short / long;
}

/** Mean volume from a contraction's high bar to its low bar, both included. */
function meanVolume(volumes: readonly number[], contraction: Contraction): number {
  return mean(volumes.slice(contraction.highIndex, contraction.lowIndex + 1)) ?? 0;
}

/**
 * `setup` while close ≤ pivot and at most `maxPivotDistance` below it; `breakout` when close > pivot on volume ≥ multiple ×
 * the mean of the `breakoutVolumeBars` bars BEFORE today (today's own volume would damp the test).
 */
function pivotState(today: Bar, pivot: number, priorMeanVolume: number | null, config: VcpConfig): VcpState | null {
  // As a distance, so a close exactly 8 % below the pivot is a setup despite binary fractions.
  if (today.close <= pivot) return (pivot - today.close) / pivot <= config.maxPivotDistance ? 'setup' : null;
  if (priorMeanVolume === null || !(priorMeanVolume > 0)) return null;
  return today.volume >= config.breakoutVolumeMultiple * priorMeanVolume ? 'breakout' : null;
}

function pivotFailure(today: Bar, pivot: number, priorMeanVolume: number | null, config: VcpConfig): string {
  if (today.close <= pivot) return `close ${today.close} more than ${roundTo(config.maxPivotDistance * 100, 2)} % below pivot ${pivot}`;
  return `close ${today.close} above pivot ${pivot} on volume ${today.volume} < ${config.breakoutVolumeMultiple} × mean ${priorMeanVolume === null ? 'unknown' : roundTo(priorMeanVolume, 2)}`;
}

/** [trend, contraction quality, dry-up, pivot proximity, RS] (signals.md VCP step 5). */
function scoreParts(
  firstDepth: number,
  lastDepth: number,
  dryUp: number,
  distance: number,
  state: VcpState,
  rs: number,
  config: VcpConfig,
): number[] {
  const quality = clamp(config.contractionPoints * (1 - lastDepth / firstDepth), 0, config.contractionPoints);
  const dryUpPoints =
    dryUp <= config.dryUpStrongRatio
      ? config.dryUpStrongPoints
      : dryUp <= config.dryUpMediumRatio
        ? config.dryUpMediumPoints
        : config.dryUpWeakPoints;
  // Proximity falls linearly from full points at the pivot to 0 at the setup floor (8 % below).
  const proximity =
    state === 'breakout' ? config.pivotPoints : clamp(config.pivotPoints * (1 - distance / config.maxPivotDistance), 0, config.pivotPoints);
  const rsPoints = clamp((config.rsPoints * (rs - config.minRsRating)) / (config.maxRsRating - config.minRsRating), 0, config.rsPoints);
  return [config.trendPoints, quality, dryUpPoints, proximity, rsPoints];
}

function gradeOf(score: number, config: VcpConfig): Grade | null {
  if (score >= config.gradeSMinScore) return 'S';
  if (score >= config.gradeAMinScore) return 'A';
  if (score >= config.gradeBMinScore) return 'B';
  return null;
}
