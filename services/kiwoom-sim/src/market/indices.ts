import { kstInstant, kstParts } from '@repo/market';
import type { MarketDay, Stage } from './market-day.js';
import type { IndexCode, IndexQuote } from './model.js';
import { STEP_SECONDS } from './price-path.js';
import type { SimInstrument } from './universe.js';

/** Index families: cap-weighted over the universe's members, scaled to a realistic level. */
interface IndexDef {
  readonly code: IndexCode;
  readonly name: string;
  /** The index value when every member trades at its base price. */
  readonly level: number;
  readonly member: (inst: SimInstrument) => boolean;
}

const isShare = (inst: SimInstrument): boolean => inst.kind === 'stock' || inst.kind === 'preferred';
/** KOSPI200 stand-in: KOSPI common stocks worth at least 2조 원 at their base price. */
const KOSPI200_MIN_CAP = 2e12;

export const INDEX_DEFS: readonly IndexDef[] = [
  { code: '001', name: 'KOSPI', level: 2_600, member: (i) => i.market === 'KOSPI' && isShare(i) },
  { code: '101', name: 'KOSDAQ', level: 850, member: (i) => i.market === 'KOSDAQ' && isShare(i) },
  {
    code: '201',
    name: 'KOSPI200',
    level: 350,
    member: (i) => i.market === 'KOSPI' && i.kind === 'stock' && i.basePrice * i.listedShares >= KOSPI200_MIN_CAP,
  },
];

const round2 = (value: number): number => Math.round(value * 100) / 100;

interface IndexDay {
  readonly def: IndexDef;
  readonly members: readonly SimInstrument[];
  /** Index closes of the 249 days before the session day, newest first. */
  readonly closes: readonly { readonly date: string; readonly value: number }[];
  readonly prevClose: number;
  readonly finalClose: number;
  readonly finalVolume: number;
  readonly finalValue: number;
  /** Per continuous step: value, cumulative volume and value of the members (lazy). */
  intraday(): { readonly value: Float64Array; readonly volume: Float64Array; readonly tradingValue: Float64Array };
}

export function createIndexDay(def: IndexDef, day: MarketDay, universe: readonly SimInstrument[]): IndexDay {
  const members = universe.filter(def.member);
  const tickers = members.map((inst) => day.ticker(inst));
  const refCap = members.reduce((sum, inst) => sum + inst.listedShares * inst.basePrice, 0);
  const scale = refCap > 0 ? def.level / refCap : 0;
  const valueOf = (price: (i: number) => number): number => {
    let cap = 0;
    members.forEach((inst, i) => (cap += inst.listedShares * price(i)));
    return round2(cap * scale);
  };
  const depth = Math.min(249, ...tickers.map((t) => t.completed.length));
  const closes: { date: string; value: number }[] = [];
  for (let d = 0; d < depth; d += 1) {
    closes.push({ date: tickers[0]?.completed[d]?.date ?? '', value: valueOf((i) => tickers[i]?.completed[d]?.close ?? 0) });
  }
  let intraday: ReturnType<IndexDay['intraday']> | undefined;
  return {
    def,
    members,
    closes,
    prevClose: closes[0]?.value ?? def.level,
    finalClose: valueOf((i) => tickers[i]?.today.close ?? 0),
    finalVolume: tickers.reduce((sum, t) => sum + t.today.volume, 0),
    finalValue: tickers.reduce((sum, t) => sum + t.today.tradingValue, 0),
    intraday() {
      if (intraday !== undefined) return intraday;
      const paths = tickers.map((t) => t.path());
      const value = new Float64Array(day.steps);
      const volume = new Float64Array(day.steps);
      const tradingValue = new Float64Array(day.steps);
      for (let k = 0; k < day.steps; k += 1) {
        let cap = 0;
        let vol = 0;
        let val = 0;
        paths.forEach((p, i) => {
          cap += (members[i]?.listedShares ?? 0) * (p.price[k] ?? 0);
          vol += p.cumVolume[k] ?? 0;
          val += p.cumValue[k] ?? 0;
        });
        value[k] = round2(cap * scale);
        volume[k] = vol;
        tradingValue[k] = val;
      }
      intraday = { value, volume, tradingValue };
      return intraday;
    },
  };
}

function hhmmss(day: MarketDay, secondOfDay: number): string {
  const p = kstParts(kstInstant(day.date, secondOfDay));
  return `${String(p.hour).padStart(2, '0')}${String(p.minute).padStart(2, '0')}${String(p.second).padStart(2, '0')}`;
}

/** The index quote at a stage of the session day; 52-week figures use daily closes and today's range. */
export function buildIndexQuote(day: MarketDay, index: IndexDay, stage: Stage): IndexQuote {
  const { def, prevClose } = index;
  let value = prevClose;
  let open: number | null = null;
  let high: number | null = null;
  let low: number | null = null;
  let volume = 0;
  let tradingValue = 0;
  const points: { time: string; value: number }[] = [];
  if (stage.kind !== 'pre_open') {
    const series = index.intraday();
    const last = stage.kind === 'continuous' ? Math.min(stage.step, day.steps - 1) : day.steps - 1;
    open = series.value[0] ?? prevClose;
    high = open;
    low = open;
    for (let k = 0; k <= last; k += 1) {
      const v = series.value[k] ?? open;
      if (v > high) high = v;
      if (v < low) low = v;
    }
    value = series.value[last] ?? open;
    volume = series.volume[last] ?? 0;
    tradingValue = series.tradingValue[last] ?? 0;
    // One point per minute, at the step that starts the minute.
    const perMinute = 60 / STEP_SECONDS;
    for (let k = 0; k <= last; k += perMinute) {
      points.push({ time: hhmmss(day, day.schedule.open * 60 + k * STEP_SECONDS), value: series.value[k] ?? open });
    }
    if (stage.kind === 'final') {
      value = index.finalClose;
      high = Math.max(high, value);
      low = Math.min(low, value);
      volume = index.finalVolume;
      tradingValue = index.finalValue;
      points.push({ time: hhmmss(day, day.schedule.close * 60), value });
    }
  }
  let high52w = { value: high ?? value, date: day.date };
  let low52w = { value: low ?? value, date: day.date };
  if (high === null) {
    high52w = { value: -Infinity, date: '' };
    low52w = { value: Infinity, date: '' };
  }
  // Newest first, so the latest date wins ties.
  for (const close of index.closes) {
    if (close.value > high52w.value) high52w = close;
    if (close.value < low52w.value) low52w = close;
  }
  if (high52w.date === '') high52w = { value, date: day.date };
  if (low52w.date === '') low52w = { value, date: day.date };
  return {
    code: def.code,
    name: def.name,
    value,
    prevClose,
    open,
    high,
    low,
    volume: Math.round(volume / 1_000),
    tradingValue: Math.round(tradingValue / 1_000_000),
    high52w: high52w.value,
    high52wDate: high52w.date,
    low52w: low52w.value,
    low52wDate: low52w.date,
    intraday: points.reverse(),
  };
}
