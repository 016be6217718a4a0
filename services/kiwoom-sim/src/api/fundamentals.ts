/**
 * Company facts the market model does not carry but ka10001, ka10086 and ka10099 show: par
 * value, free float, valuation ratios, listing date. They are fixed per (seed, ticker), plausible
 * rather than real, and never depend on the clock. Funds (ETF, ETN) have no par value or
 * valuation, so those fields are blank for them, as on Kiwoom.
 */
import type { Instrument } from '../market/model.js';
import { hashBetween, hashUnit } from '../random.js';

export interface Fundamentals {
  /** Fiscal-year-end month, `"12"` for most companies. */
  readonly fiscalMonth: string;
  /** Par value in KRW; null for funds. */
  readonly parValue: number | null;
  /** Free float, percent of listed shares. */
  readonly freeFloatPct: number;
  /** Foreign holdings, percent of listed shares (also the foreign-limit exhaustion rate). */
  readonly foreignPct: number;
  /** Credit balance, percent of listed shares. */
  readonly creditPct: number;
  /** EPS / price, BPS / price (earnings and book yields); null for funds. */
  readonly earningsYield: number | null;
  readonly bookYield: number | null;
  readonly evEbitda: number | null;
  /** Sales / market cap, operating margin, net income / operating profit; null for funds. */
  readonly salesToCap: number | null;
  readonly operatingMargin: number | null;
  readonly netToOperating: number | null;
  /** Listing date, `YYYYMMDD`. */
  readonly listedOn: string;
}

const PAR_VALUES = [100, 500, 1_000, 5_000] as const;
const FISCAL_MONTHS = ['12', '12', '12', '12', '12', '12', '12', '03', '06'] as const;

export function fundamentalsOf(seed: number, instrument: Instrument): Fundamentals {
  const t = instrument.ticker;
  const u = (what: string): number => hashUnit(seed, t, what);
  const pick = <T>(list: readonly T[], what: string): T => list[Math.floor(u(what) * list.length)] as T;
  const fund = instrument.kind === 'etf' || instrument.kind === 'etn';
  const listedDay = Math.floor(hashBetween(0, 48 * 365, seed, t, 'listed'));
  const listedOn = new Date(Date.UTC(1975, 0, 1) + listedDay * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  return {
    fiscalMonth: fund ? '' : pick(FISCAL_MONTHS, 'fiscal'),
    parValue: fund ? null : pick(PAR_VALUES, 'par'),
    freeFloatPct: hashBetween(45, 92, seed, t, 'float'),
    foreignPct: fund ? hashBetween(0, 5, seed, t, 'foreign') : hashBetween(2, 55, seed, t, 'foreign'),
    creditPct: hashBetween(0, 1.5, seed, t, 'credit'),
    earningsYield: fund ? null : hashBetween(0.02, 0.12, seed, t, 'eps'),
    bookYield: fund ? null : hashBetween(0.4, 1.6, seed, t, 'bps'),
    evEbitda: fund ? null : hashBetween(2, 15, seed, t, 'ev'),
    salesToCap: fund ? null : hashBetween(0.2, 2.5, seed, t, 'sales'),
    operatingMargin: fund ? null : hashBetween(0.02, 0.2, seed, t, 'margin'),
    netToOperating: fund ? null : hashBetween(0.6, 0.95, seed, t, 'net'),
    listedOn,
  };
}
