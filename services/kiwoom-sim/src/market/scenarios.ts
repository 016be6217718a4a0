import { priceLimits, roundToTick } from '@repo/market';
import { extremeTimes, finishBar, typicalVolume, type BarDraft, type DayBar } from './history.js';
import { investorNet, ordinaryInvestorNet } from './investors.js';
import type { PlantedScenario } from './model.js';
import { createRng, seedOf, type Rng } from './random.js';
import type { SimInstrument } from './universe.js';

/**
 * The stocks planted so the signal engine finds something on every simulated today (signals.md,
 * kiwoom-rest.md §9 item 16), plus one stock at each daily limit. Planted histories are designed
 * backwards from the simulated today, so they are re-planted when the session day changes.
 */
export const PLANTED_SCENARIOS: readonly PlantedScenario[] = Object.freeze([
  { ticker: '042700', kind: 'vcp_setup' },
  { ticker: '010120', kind: 'vcp_breakout' },
  { ticker: '064350', kind: 'closing_bet' },
  { ticker: '039200', kind: 'upper_limit' },
  { ticker: '328130', kind: 'lower_limit' },
]);

/** VCP legs after the peak H1: [bars including the turning bar, extreme as a fraction of the latest swing high]. */
const VCP_LEGS: readonly (readonly [number, number])[] = [
  [12, 0.8], // T1: −20 %
  [12, 0.985], // back up to H2 = 98.5 % of H1
  [8, 0.89], // T2: −11 %
  [8, 0.99], // H3 = 99 % of H2: the pivot
  [5, 0.945], // T3: −5.5 %
];
/** Bars from H1 to the simulated today. */
const VCP_PATTERN_BARS = 58;
/** Turning bars close this far inside their extreme, so neighbours never tie it. */
const TURN_CLOSE_GAP = 0.012;
/** Wick of designed leg bars, as a fraction of price (smaller than TURN_CLOSE_GAP). */
const LEG_WICK = 0.006;

interface Builder {
  readonly inst: SimInstrument;
  readonly days: readonly string[];
  readonly rng: Rng;
  readonly bars: DayBar[];
}

function lastClose(b: Builder, fallback: number): number {
  return b.bars[b.bars.length - 1]?.close ?? fallback;
}

function push(b: Builder, draft: BarDraft, fallbackPrev: number): DayBar {
  const date = b.days[b.bars.length];
  if (date === undefined) throw new RangeError('design ran past the simulated today');
  const bar = finishBar(b.inst, date, lastClose(b, fallbackPrev), draft);
  b.bars.push(bar);
  return bar;
}

function onGrid(b: Builder, price: number): number {
  return roundToTick(price, b.inst.kind, 'nearest');
}

/**
 * A noisy log-linear rise from `from` to `to` over `count` bars, every price kept under `cap`.
 * The noise fades over the last 15 bars, so the trend arrives at `to` cleanly.
 */
function uptrend(b: Builder, count: number, from: number, to: number, cap: number): void {
  const growth = Math.log(to / from) / Math.max(1, count - 1);
  const volume = typicalVolume(b.inst);
  let noise = 0;
  for (let i = 0; i < count; i += 1) {
    noise = 0.9 * noise + 0.012 * b.rng.normal();
    const fade = Math.min(1, (count - 1 - i) / 15);
    const prev = lastClose(b, from);
    const close = Math.min(cap * 0.99, from * Math.exp(growth * i + noise * fade));
    const open = Math.min(cap * 0.99, prev * Math.exp(0.004 * b.rng.normal()));
    const top = Math.max(open, close) * (1 + b.rng.between(0.003, 0.012));
    const move = Math.log(close / prev) / b.inst.dailyVol;
    const dayVolume = volume * Math.exp(0.3 * b.rng.normal()) * (move > 0 ? 1.15 : 0.9);
    push(
      b,
      {
        open,
        close,
        wickUp: 0,
        wickDown: b.rng.between(0.003, 0.012),
        high: Math.min(cap, top),
        volume: dayVolume,
        investors: ordinaryInvestorNet(dayVolume, move + 0.5, b.rng),
        ...extremeTimes(close >= prev, b.rng),
      },
      from,
    );
  }
}

/** A bar at a swing extreme: its high (or low) is exactly `extreme`, its close a little inside. */
function turn(b: Builder, type: 'high' | 'low', extreme: number, volumeFactor: number): void {
  const close = type === 'high' ? extreme * (1 - TURN_CLOSE_GAP) : extreme * (1 + TURN_CLOSE_GAP);
  const volume = typicalVolume(b.inst) * volumeFactor * Math.exp(0.1 * b.rng.normal());
  push(
    b,
    {
      open: lastClose(b, close),
      close,
      wickUp: LEG_WICK,
      wickDown: LEG_WICK,
      ...(type === 'high' ? { high: extreme } : { low: extreme }),
      volume,
      investors: ordinaryInvestorNet(volume, 0.3, b.rng),
      lowAt: type === 'high' ? 0.2 : 0.6,
      highAt: type === 'high' ? 0.6 : 0.2,
    },
    close,
  );
}

/**
 * `count` bars whose closes step evenly from the last close towards `target` (no swing inside).
 * With `arrive` the last bar closes at `target`; without, the bar after the leg does.
 */
function leg(b: Builder, count: number, target: number, volumeFactor: number, arrive: boolean): void {
  const start = lastClose(b, target);
  const steps = arrive ? count : count + 1;
  for (let i = 1; i <= count; i += 1) {
    const close = start + ((target - start) * i) / steps;
    const volume = typicalVolume(b.inst) * volumeFactor * Math.exp(0.1 * b.rng.normal());
    push(
      b,
      {
        open: lastClose(b, start),
        close,
        wickUp: LEG_WICK,
        wickDown: LEG_WICK,
        volume,
        investors: ordinaryInvestorNet(volume, target > start ? 0.8 : -0.2, b.rng),
        ...extremeTimes(target > start, b.rng),
      },
      start,
    );
  }
}

/**
 * A Minervini VCP: a 240-bar advance to H1 = the base price, then three contractions of
 * 20 %, 11 % and 5.5 % on falling volume, then a quiet drift back under the pivot (the high of the
 * last contraction). `breakout` closes today 3.5 % over the pivot on 3.2× the 50-bar volume.
 */
function vcp(b: Builder, breakout: boolean): void {
  const n = b.days.length;
  const h1 = b.inst.basePrice;
  const peakIndex = n - 1 - VCP_PATTERN_BARS;
  uptrend(b, peakIndex, h1 * 0.42, h1 * 0.975, h1 * 0.993);
  turn(b, 'high', h1, 1.5);
  const legVolumes = [1.5, 1.0, 0.85, 0.7, 0.55];
  // Each extreme is a fraction of the latest swing high; the last swing high is the pivot.
  let pivot = h1;
  VCP_LEGS.forEach(([bars, ratio], i) => {
    const extreme = onGrid(b, pivot * ratio);
    const type = i % 2 === 0 ? 'low' : 'high';
    const turnClose = type === 'low' ? extreme * (1 + TURN_CLOSE_GAP) : extreme * (1 - TURN_CLOSE_GAP);
    leg(b, bars - 1, turnClose, legVolumes[i] ?? 1, false);
    turn(b, type, extreme, legVolumes[i] ?? 1);
    if (type === 'high') pivot = extreme;
  });
  const remaining = n - b.bars.length - (breakout ? 1 : 0);
  leg(b, remaining, pivot * 0.975, 0.3, true);
  if (!breakout) return;
  const recent = b.bars.slice(-50);
  const meanVolume = recent.reduce((sum, bar) => sum + bar.volume, 0) / recent.length;
  const prev = lastClose(b, pivot);
  const close = pivot * 1.035;
  const volume = meanVolume * 3.2;
  push(
    b,
    {
      open: prev * 1.003,
      close,
      wickUp: 0.004,
      wickDown: 0.005,
      volume,
      investors: investorNet(volume, 0.09, 0.06, b.rng),
      lowAt: 0.05,
      highAt: 0.9,
    },
    prev,
  );
}

/**
 * 종가베팅 V2 candidate: an advance to the base price, then today +11.5 % on about 4× the 20-day
 * volume and at least 2,000억 원 of trading value, closing just under the day's high at a new
 * 52-week high, with foreigners and institutions net buying on each of the last five days.
 */
function closingBet(b: Builder): void {
  const n = b.days.length;
  const base = b.inst.basePrice;
  uptrend(b, n - 1, base * 0.62, base, base * 1.04);
  for (let i = n - 5; i < n - 1; i += 1) {
    const bar = b.bars[i];
    if (bar !== undefined) b.bars[i] = { ...bar, ...investorNet(bar.volume, 0.08, 0.05, b.rng) };
  }
  const prev = lastClose(b, base);
  const avg20 = b.bars.slice(-20).reduce((sum, bar) => sum + bar.volume, 0) / 20;
  const close = prev * 1.115;
  const volume = Math.max(avg20 * 4.2, 2e11 / (prev * 1.07));
  push(
    b,
    {
      open: prev * 1.02,
      close,
      wickUp: 0.004,
      wickDown: 0.008,
      volume,
      investors: investorNet(volume, 0.08, 0.05, b.rng),
      lowAt: 0.04,
      highAt: 0.93,
    },
    prev,
  );
}

/** Today opens at the limit and stays there all day (상한가/하한가 직행). */
function atLimit(b: Builder, ordinary: readonly DayBar[], side: 'upper' | 'lower'): void {
  b.bars.push(...ordinary.slice(0, -1));
  const prev = lastClose(b, b.inst.basePrice);
  const limits = priceLimits(prev, b.inst.kind);
  const price = side === 'upper' ? limits.upper : limits.lower;
  const volume = typicalVolume(b.inst) * 3.5;
  push(
    b,
    {
      open: price,
      close: price,
      wickUp: 0,
      wickDown: 0,
      volume,
      investors: investorNet(volume, side === 'upper' ? 0.05 : -0.06, side === 'upper' ? 0.02 : -0.04, b.rng),
      lowAt: 0,
      highAt: 0,
    },
    prev,
  );
}

/**
 * The designed bars of a planted ticker for `days` (oldest first, the last is the simulated
 * today). `ordinary` is the ticker's ordinary history for the same days.
 */
export function plantedBars(
  inst: SimInstrument,
  kind: PlantedScenario['kind'],
  days: readonly string[],
  root: number,
  ordinary: readonly DayBar[],
): DayBar[] {
  const anchor = days[days.length - 1] ?? '';
  const b: Builder = { inst, days, rng: createRng(seedOf(root, inst.ticker, anchor, 'planted')), bars: [] };
  switch (kind) {
    case 'vcp_setup':
      vcp(b, false);
      break;
    case 'vcp_breakout':
      vcp(b, true);
      break;
    case 'closing_bet':
      closingBet(b);
      break;
    case 'upper_limit':
      atLimit(b, ordinary, 'upper');
      break;
    case 'lower_limit':
      atLimit(b, ordinary, 'lower');
      break;
  }
  return b.bars;
}
