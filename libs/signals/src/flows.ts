import type { Bar } from './types.js';

/** Foreign and institutional net buying over the last few bars, in shares and in KRW. */
export interface NetBuying {
  /** Σ shares (`for5d`); null when none of the bars reported a value. */
  readonly foreignShares: number | null;
  /** Σ shares (`inst5d`). */
  readonly institutionShares: number | null;
  /** Σ shares × that day's close. */
  readonly foreignKrw: number | null;
  readonly institutionKrw: number | null;
}

/**
 * Sums over the last `days` bars. A bar whose value was not reported (null: today's bar during the
 * session, before the exchange publishes investor flows) is skipped rather than counted as 0, so
 * during the session the sum covers the days that are known.
 */
export function netBuying(bars: readonly Bar[], days: number): NetBuying {
  const recent = bars.slice(Math.max(0, bars.length - days));
  const sum = (pick: (bar: Bar) => number | null, krw: boolean): number | null => {
    let total: number | null = null;
    for (const bar of recent) {
      const shares = pick(bar);
      if (shares === null || !Number.isFinite(shares)) continue;
      total = (total ?? 0) + (krw ? shares * bar.close : shares);
    }
    return total;
  };
  return {
    foreignShares: sum((b) => b.foreignNetBuy, false),
    institutionShares: sum((b) => b.institutionNetBuy, false),
    foreignKrw: sum((b) => b.foreignNetBuy, true),
    institutionKrw: sum((b) => b.institutionNetBuy, true),
  };
}

/** Today's trading value in KRW: the reported one, else close × volume. */
export function tradingValueOf(bar: Bar): number {
  return bar.tradingValue ?? bar.close * bar.volume;
}
