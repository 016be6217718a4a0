import type { Bar, StockInfo } from '../src/types.js';

/** The date tests use as "today": Wednesday 2026-11-25 (KST). */
export const TODAY = '2026-11-25';
/** 15:10 KST on TODAY, inside the closing-bet window. */
export const NOW = new Date('2026-11-25T15:10:00+09:00');

export function aStock(overrides: Partial<StockInfo> = {}): StockInfo {
  return { ticker: '005930', name: '테스트전자', market: 'KOSPI', kind: 'stock', isManaged: false, isSuspended: false, ...overrides };
}

export function aBar(overrides: Partial<Bar> = {}): Bar {
  const close = overrides.close ?? 10_000;
  return {
    date: TODAY,
    open: close,
    high: close,
    low: close,
    close,
    volume: 100_000,
    tradingValue: null,
    foreignNetBuy: null,
    institutionNetBuy: null,
    ...overrides,
  };
}

/** `count` consecutive calendar dates (YYYY-MM-DD) ending at `last`. */
export function datesEnding(count: number, last: string = TODAY): string[] {
  const end = Date.parse(`${last}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(end - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

/** `count` values `from`, `from + step`, … */
export function ramp(from: number, step: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + step * i);
}

/** `count` copies of `value`. */
export function repeat(value: number, count: number): number[] {
  return Array.from({ length: count }, () => value);
}

export interface SeriesOptions {
  /** Per bar; shorter lists are padded with `volume`. */
  readonly volumes?: readonly number[];
  readonly volume?: number;
  readonly lastDate?: string;
}

/**
 * Bars whose open, high, low and close all equal the given close (so a bar's high is its close),
 * oldest first, on consecutive dates ending at `lastDate` (TODAY by default).
 */
export function aBarSeries(closes: readonly number[], options: SeriesOptions = {}): Bar[] {
  const dates = datesEnding(closes.length, options.lastDate);
  return closes.map((close, i) =>
    aBar({
      date: dates[i] ?? TODAY,
      close,
      open: close,
      high: close,
      low: close,
      volume: options.volumes?.[i] ?? options.volume ?? 100_000,
    }),
  );
}

/** `bars` with the bar at `index` (negative counts from the end) changed. */
export function withBar(bars: readonly Bar[], index: number, change: Partial<Bar>): Bar[] {
  const at = index < 0 ? bars.length + index : index;
  return bars.map((bar, i) => (i === at ? { ...bar, ...change } : bar));
}

/** Every price multiplied by `factor` and rounded to whole won, usually off the tick grid (volumes and flows kept). */
export function scaled(bars: readonly Bar[], factor: number): Bar[] {
  const won = (price: number): number => Math.round(price * factor);
  return bars.map((b) => ({ ...b, open: won(b.open), high: won(b.high), low: won(b.low), close: won(b.close) }));
}

/** A deterministic linear congruential generator in [0, 1) for property-style checks (no Math.random in tests). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    // The classic 32-bit LCG constants (a = 1664525, c = 1013904223, m = 2^32).
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

/**
 * The golden VCP base of `vcp.test.ts` (260 bars; the hand computation is there):
 * a ramp to H1 = 32,000, then contractions of 20 %, 10 % and 5 %, and today's close 29,700.
 */
export function vcpBaseCloses(): number[] {
  return [
    ...ramp(10_000, 100, 221), // 0–220: 10,000 … 32,000 = H1 at 220
    ...ramp(31_200, -800, 8), // 221–228: … 25,600 = L1 at 228
    ...ramp(26_500, 900, 6), // 229–234: … 31,000 = H2 at 234
    ...[30_500, 30_000, 29_500, 29_000, 28_500, 27_900], // 235–240: L2 = 27,900 at 240
    ...ramp(28_250, 350, 6), // 241–246: … 30,000 = H3 at 246
    ...ramp(29_700, -300, 5), // 247–251: … 28,500 = L3 at 251
    ...ramp(28_650, 150, 8), // 252–259: … 29,700 = today
  ];
}

/** Volumes of the golden base: heavy in T1, drying up to 40,000 over the last 10 bars. */
export function vcpBaseVolumes(lastTen = 40_000): number[] {
  return [...repeat(100_000, 220), ...repeat(150_000, 14), ...repeat(100_000, 12), ...repeat(75_000, 4), ...repeat(lastTen, 10)];
}

export function aVcpBase(options: { lastTen?: number } = {}): Bar[] {
  return aBarSeries(vcpBaseCloses(), { volumes: vcpBaseVolumes(options.lastTen) });
}
