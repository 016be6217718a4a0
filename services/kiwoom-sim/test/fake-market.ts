/**
 * A small deterministic SimMarket for the API layer's tests: five instruments, weekdays as trading
 * days, a smooth price path per day on the tick grid and inside the limits, and `historyDays`
 * trading days of history ending on the clock's today. It reads the clock it is given, so the
 * admin clock moves it. It is not the simulated market (src/market/); it only has to be
 * predictable and consistent with itself.
 */
import { addDays, kstParts, priceLimits, roundToTick, weekdayOf } from '@repo/market';
import type { AdjustableClock } from '../src/clock.js';
import type { DailyBar, IndexCode, IndexQuote, Instrument, LiveQuote, SessionPhase, SimMarket } from '../src/market/model.js';

interface FakeInstrument extends Instrument {
  /** The close before the first day of history. */
  readonly startPrice: number;
}

export const FAKE_UNIVERSE: readonly FakeInstrument[] = [
  {
    ticker: '005930',
    name: '삼성전자',
    market: 'KOSPI',
    kind: 'stock',
    listedShares: 5_969_782_550,
    sector: '전기전자',
    startPrice: 71_000,
  },
  {
    ticker: '000660',
    name: 'SK하이닉스',
    market: 'KOSPI',
    kind: 'stock',
    listedShares: 728_002_365,
    sector: '전기전자',
    startPrice: 185_800,
  },
  { ticker: '000040', name: 'KR모터스', market: 'KOSPI', kind: 'stock', listedShares: 96_000_000, sector: '운수장비', startPrice: 1_500 },
  { ticker: '0015N0', name: '아로마티카', market: 'KOSDAQ', kind: 'stock', listedShares: 12_500_000, sector: '화학', startPrice: 9_000 },
  { ticker: '069500', name: 'KODEX 200', market: 'KOSPI', kind: 'etf', listedShares: 150_000_000, sector: '', startPrice: 35_000 },
];

const OPEN_MIN = 9 * 60;
const CLOSE_MIN = 15 * 60 + 30;
const SESSION_MINUTES = CLOSE_MIN - OPEN_MIN;

export interface FakeMarketOptions {
  readonly clock: AdjustableClock;
  /** Trading days of history before today. @default 60 */
  readonly historyDays?: number;
}

export function createFakeMarket(options: FakeMarketOptions): SimMarket {
  const { clock } = options;
  const historyDays = options.historyDays ?? 60;
  const byTicker = new Map(FAKE_UNIVERSE.map((i) => [i.ticker, i]));
  const isTradingDay = (date: string): boolean => weekdayOf(date) !== 0 && weekdayOf(date) !== 6;

  const minuteNow = (): number => {
    const p = kstParts(clock.now());
    return p.hour * 60 + p.minute;
  };
  const session = (): SessionPhase => {
    const p = kstParts(clock.now());
    if (!isTradingDay(p.date)) return 'closed';
    const m = p.hour * 60 + p.minute;
    if (m < 8 * 60 + 30 || m >= 18 * 60) return 'closed';
    if (m < OPEN_MIN) return 'pre_open_auction';
    if (m < 15 * 60 + 20) return 'continuous';
    if (m < CLOSE_MIN) return 'closing_auction';
    return 'after_hours';
  };

  /** Trading days, oldest first, ending with the last one on or before `date`. */
  const tradingDays = (date: string, count: number): string[] => {
    const days: string[] = [];
    for (let d = date; days.length < count; d = addDays(d, -1)) if (isTradingDay(d)) days.unshift(d);
    return days;
  };

  const pathPrice = (inst: FakeInstrument, date: string, prevClose: number, minute: number): number => {
    const phase = (Number(date.slice(4)) % 17) + inst.ticker.charCodeAt(5);
    const drift = 0.012 * Math.sin(minute / 45 + phase) + 0.006 * Math.sin(Number(date) % 7);
    const limits = priceLimits(prevClose, inst.kind);
    return Math.min(limits.upper, Math.max(limits.lower, roundToTick(prevClose * (1 + drift), inst.kind)));
  };

  const fullBar = (inst: FakeInstrument, date: string, prevClose: number, upToMinute = SESSION_MINUTES): DailyBar => {
    let high = 0;
    let low = Number.POSITIVE_INFINITY;
    for (let m = 0; m <= upToMinute; m += 5) {
      const p = pathPrice(inst, date, prevClose, m);
      high = Math.max(high, p);
      low = Math.min(low, p);
    }
    const close = pathPrice(inst, date, prevClose, upToMinute);
    high = Math.max(high, close);
    low = Math.min(low, close);
    const volume = Math.round((inst.listedShares / 500) * (0.5 + upToMinute / SESSION_MINUTES));
    const foreignNet = Math.round(volume * 0.05 * Math.sin(Number(date) % 11));
    const institutionNet = Math.round(volume * 0.03 * Math.cos(Number(date) % 13));
    return {
      date,
      open: pathPrice(inst, date, prevClose, 0),
      high,
      low,
      close,
      volume,
      tradingValue: volume * Math.round((high + low) / 2),
      foreignNet,
      institutionNet,
      individualNet: -(foreignNet + institutionNet),
    };
  };

  /** Every bar up to now, newest first; today's is partial during the session. */
  const allBars = (inst: FakeInstrument): DailyBar[] => {
    const today = kstParts(clock.now()).date;
    const phase = session();
    const todayTrades = isTradingDay(today) && phase !== 'closed' && phase !== 'pre_open_auction' ? true : false;
    const beforeOpenToday = isTradingDay(today) && minuteNow() < OPEN_MIN;
    const lastFull = todayTrades || beforeOpenToday ? addDays(today, -1) : today;
    const days = tradingDays(lastFull, historyDays);
    const bars: DailyBar[] = [];
    let prev = inst.startPrice;
    for (const day of days) {
      const bar = fullBar(inst, day, prev);
      bars.unshift(bar);
      prev = bar.close;
    }
    if (todayTrades) bars.unshift(fullBar(inst, today, prev, Math.min(SESSION_MINUTES, minuteNow() - OPEN_MIN)));
    return bars;
  };

  const quote = (ticker: string): LiveQuote | undefined => {
    const inst = byTicker.get(ticker);
    if (inst === undefined) return undefined;
    const bars = allBars(inst);
    const today = kstParts(clock.now()).date;
    const first = bars[0] as DailyBar;
    const tradedToday = first.date === today;
    const beforeOpen = isTradingDay(today) && !tradedToday;
    const current = beforeOpen ? undefined : first;
    const prevClose = beforeOpen ? first.close : (bars[1]?.close ?? inst.startPrice);
    const price = current?.close ?? prevClose;
    const limits = priceLimits(prevClose, inst.kind);
    const auction = session() === 'pre_open_auction' || session() === 'closing_auction';
    const window = bars.slice(0, 250);
    const high250 = window.reduce((a, b) => (b.high > a.high ? b : a));
    const low250 = window.reduce((a, b) => (b.low < a.low ? b : a));
    const tick = roundToTick(price * 1.001, inst.kind, 'up') - price || 1;
    return {
      ticker,
      price,
      prevClose,
      open: current?.open ?? null,
      high: current?.high ?? null,
      low: current?.low ?? null,
      volume: current?.volume ?? 0,
      tradingValue: current?.tradingValue ?? 0,
      bestBid: price,
      bestAsk: Math.min(limits.upper, price + tick),
      bidQty: 1_200,
      askQty: 800,
      upperLimit: limits.upper,
      lowerLimit: limits.lower,
      expectedPrice: auction ? price : null,
      expectedQty: auction ? 5_000 : null,
      tradeTime: current === undefined ? null : tradeTimeOf(current.date, tradedToday ? Math.min(minuteNow(), CLOSE_MIN) : CLOSE_MIN),
      high250: high250.high,
      high250Date: high250.date,
      low250: low250.low,
      low250Date: low250.date,
    };
  };

  const index = (code: IndexCode): IndexQuote | undefined => {
    const names: Record<IndexCode, string> = { '001': 'KOSPI', '101': 'KOSDAQ', '201': 'KOSPI200' };
    const base = code === '101' ? 850 : code === '201' ? 340 : 2_500;
    const phase = session();
    const today = kstParts(clock.now()).date;
    const trading = isTradingDay(today) && phase !== 'closed' && phase !== 'pre_open_auction';
    const upTo = trading ? Math.min(SESSION_MINUTES, minuteNow() - OPEN_MIN) : SESSION_MINUTES;
    const valueAt = (m: number): number => Math.round(base * (1 + 0.01 * Math.sin(m / 60 + Number(code))) * 100) / 100;
    const intraday: { time: string; value: number }[] = [];
    for (let m = 0; m <= upTo; m += 10) intraday.unshift({ time: hhmmss(OPEN_MIN + m), value: valueAt(m) });
    const value = valueAt(upTo);
    return {
      code,
      name: names[code],
      value,
      prevClose: base,
      open: valueAt(0),
      high: Math.max(...intraday.map((p) => p.value)),
      low: Math.min(...intraday.map((p) => p.value)),
      volume: 400_000 + upTo * 200,
      tradingValue: 9_000_000 + upTo * 20_000,
      high52w: base * 1.2,
      high52wDate: '20250619',
      low52w: base * 0.7,
      low52wDate: '20240805',
      intraday,
    };
  };

  return {
    now: () => clock.now(),
    today: () => kstParts(clock.now()).date,
    session,
    isTradingDay: (date) => isTradingDay(date ?? kstParts(clock.now()).date),
    universe: () => FAKE_UNIVERSE,
    instrument: (ticker) => byTicker.get(ticker),
    quote,
    dailyBars(ticker, until) {
      const inst = byTicker.get(ticker);
      if (inst === undefined) return [];
      const bars = allBars(inst);
      return until === undefined ? bars : bars.filter((b) => b.date <= until);
    },
    index,
    planted: () => [],
  };
}

function hhmmss(minuteOfDay: number): string {
  return `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}${String(minuteOfDay % 60).padStart(2, '0')}00`;
}

function tradeTimeOf(date: string, minuteOfDay: number): string {
  return `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${hhmmss(minuteOfDay).replace(/(\d{2})(\d{2})(\d{2})/, '$1:$2:$3')}+09:00`;
}
