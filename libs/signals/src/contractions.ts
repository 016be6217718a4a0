import type { VcpConfig } from './config.js';
import { findSwings, type SwingPoint } from './indicators/swings.js';
import type { Bar } from './types.js';

/** One contraction: a swing high and the lowest swing low before the next swing high. */
export interface Contraction {
  readonly highIndex: number;
  readonly high: number;
  readonly lowIndex: number;
  readonly low: number;
  /** (high − low) / high, a fraction. */
  readonly depth: number;
}

export interface ContractionAnalysis {
  /** T1…Tn, oldest first (possibly more than allowed; `failures` says so). */
  readonly contractions: readonly Contraction[];
  /** Index of H1, the highest swing high in the lookback; null when there is no swing high. */
  readonly firstHighIndex: number | null;
  /** Bars from H1 to the last bar, both included. */
  readonly patternBars: number;
  readonly failures: readonly string[];
}

type Point = SwingPoint & { readonly kind: 'high' | 'low' };

/**
 * Contractions of signals.md VCP step 2. Swings are found in the last `patternLookbackBars` bars
 * (earlier bars serve only as left neighbours). From H1, the HIGHEST swing high (the earliest on a
 * tie), the swing points are walked in time order as alternating runs: a run of consecutive swing
 * highs counts as its highest point, a run of consecutive lows as its lowest, so each contraction
 * is (a high, the lowest low that follows it before the next high). A final high with no low after
 * it closes no contraction.
 */
export function analyzeContractions(bars: readonly Bar[], config: VcpConfig): ContractionAnalysis {
  const from = Math.max(0, bars.length - config.patternLookbackBars);
  const swings = findSwings(bars, config.swingRadiusBars, from);
  let h1: SwingPoint | undefined;
  for (const high of swings.highs) if (h1 === undefined || high.price > h1.price) h1 = high;
  if (h1 === undefined) {
    return {
      contractions: [],
      firstHighIndex: null,
      patternBars: 0,
      failures: [`no swing high in the last ${config.patternLookbackBars} bars`],
    };
  }
  const start = h1.index;
  // Time order; on a bar that is both (an outside bar) the high comes first.
  const points: Point[] = [
    ...swings.highs.filter((p) => p.index >= start).map((p) => ({ ...p, kind: 'high' as const })),
    ...swings.lows.filter((p) => p.index > start).map((p) => ({ ...p, kind: 'low' as const })),
  ].sort((a, b) => a.index - b.index || (a.kind === 'high' ? -1 : 1));

  const contractions: Contraction[] = [];
  let high: Point | undefined;
  let low: Point | undefined;
  const close = (): void => {
    if (high !== undefined && low !== undefined) {
      contractions.push({
        highIndex: high.index,
        high: high.price,
        lowIndex: low.index,
        low: low.price,
        depth: (high.price - low.price) / high.price,
      });
    }
  };
  for (const point of points) {
    if (point.kind === 'high') {
      if (low !== undefined) {
        close();
        high = undefined;
        low = undefined;
      }
      if (high === undefined || point.price > high.price) high = point;
    } else if (high !== undefined && (low === undefined || point.price < low.price)) {
      low = point;
    }
  }
  close();

  const patternBars = bars.length - start;
  return { contractions, firstHighIndex: start, patternBars, failures: contractionFailures(contractions, patternBars, config) };
}

const pct = (fraction: number): string => `${(fraction * 100).toFixed(2)} %`;

function contractionFailures(contractions: readonly Contraction[], patternBars: number, config: VcpConfig): string[] {
  const failures: string[] = [];
  const n = contractions.length;
  if (n < config.minContractions) failures.push(`${n} contraction(s), need ${config.minContractions}`);
  if (n > config.maxContractions) failures.push(`${n} contractions, at most ${config.maxContractions}`);
  const first = contractions[0];
  if (first !== undefined && (first.depth < config.minFirstDepth || first.depth > config.maxFirstDepth)) {
    failures.push(`T1 ${pct(first.depth)} outside ${pct(config.minFirstDepth)}–${pct(config.maxFirstDepth)}`);
  }
  for (let i = 1; i < n; i++) {
    const previous = contractions[i - 1];
    const current = contractions[i];
    if (previous !== undefined && current !== undefined && current.depth > config.maxDepthRatio * previous.depth) {
      failures.push(`T${i + 1} ${pct(current.depth)} > ${config.maxDepthRatio} × T${i} ${pct(previous.depth)}`);
    }
  }
  const last = contractions.at(-1);
  if (n >= config.minContractions && last !== undefined && last.depth > config.maxLastDepth) {
    failures.push(`last contraction ${pct(last.depth)} > ${pct(config.maxLastDepth)}`);
  }
  if (patternBars < config.minPatternBars) failures.push(`pattern ${patternBars} bars, need ${config.minPatternBars}`);
  return failures;
}
