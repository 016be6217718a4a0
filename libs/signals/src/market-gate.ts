import { kstIso } from '@repo/market';
import { resolveGateConfig, type GateConfig } from './config.js';
import { clamp } from './numbers.js';

export type GateStatus = 'GREEN' | 'YELLOW' | 'RED';
export type SectorSignal = 'bullish' | 'bearish' | 'neutral';

export interface IndexReading {
  /** Index level. */
  readonly value: number;
  /** Percent against the previous close (−0.5 = −0.5 %). */
  readonly changePct: number;
}

export interface SectorEtf {
  readonly name: string;
  readonly ticker: string;
}

export interface SectorReading extends SectorEtf {
  /** Percent; null when the ETF has no quote yet. */
  readonly changePct: number | null;
}

export type GateSector = {
  readonly name: string;
  readonly ticker: string;
  readonly change_pct: number;
  readonly signal: SectorSignal;
};

/** The `market_gate_update` payload `data` and the REST view (signals.md, Market gate). */
export type MarketGate = {
  readonly status: GateStatus;
  /** 0–100. */
  readonly level: number;
  /** Null only when that index had no reading; a real 0 stays 0. */
  readonly kospi: number | null;
  readonly kospi_change_pct: number | null;
  readonly kosdaq: number | null;
  readonly kosdaq_change_pct: number | null;
  readonly sectors: readonly GateSector[];
  /** `now` as ISO-8601 with +09:00. */
  readonly updated_at: string;
};

export interface MarketGateInput {
  readonly kospi: IndexReading | null;
  readonly kosdaq: IndexReading | null;
  readonly sectors: readonly SectorReading[];
  readonly now: Date;
  readonly config?: Partial<GateConfig>;
}

/** KODEX sector ETFs (signals.md). Not 069500: that is KODEX 200, an index tracker. */
export const DEFAULT_SECTOR_ETFS: readonly SectorEtf[] = Object.freeze([
  Object.freeze({ name: '반도체', ticker: '091160' }),
  Object.freeze({ name: '2차전지', ticker: '305720' }),
  Object.freeze({ name: '자동차', ticker: '091180' }),
  Object.freeze({ name: '바이오', ticker: '244580' }),
  Object.freeze({ name: '은행', ticker: '091170' }),
]);

/**
 * The market gate. A missing index (null, or a non-finite reading) contributes no points and is
 * reported as null values; the level comes from what is there. A sector without a change is left
 * out of the payload and the count, since its `change_pct` must be a number and 0 would be a lie.
 */
export function computeMarketGate(input: MarketGateInput): MarketGate {
  const config = resolveGateConfig(input.config);
  const kospi = usable(input.kospi);
  const kosdaq = usable(input.kosdaq);
  const sectors: GateSector[] = [];
  for (const s of input.sectors) {
    if (s.changePct === null || !Number.isFinite(s.changePct)) continue;
    sectors.push({ name: s.name, ticker: s.ticker, change_pct: s.changePct, signal: sectorSignal(s.changePct, config) });
  }
  const net = sectors.filter((s) => s.signal === 'bullish').length - sectors.filter((s) => s.signal === 'bearish').length;
  const sectorBonus = clamp(net * config.sectorPoints, -config.sectorMaxPoints, config.sectorMaxPoints);
  const level = clamp(config.baseLevel + indexPoints(kospi, config) + indexPoints(kosdaq, config) + sectorBonus, 0, 100);
  return {
    status: level >= config.greenMinLevel ? 'GREEN' : level >= config.yellowMinLevel ? 'YELLOW' : 'RED',
    level,
    kospi: kospi?.value ?? null,
    kospi_change_pct: kospi?.changePct ?? null,
    kosdaq: kosdaq?.value ?? null,
    kosdaq_change_pct: kosdaq?.changePct ?? null,
    sectors,
    updated_at: kstIso(input.now),
  };
}

function usable(reading: IndexReading | null): IndexReading | null {
  return reading !== null && Number.isFinite(reading.value) && Number.isFinite(reading.changePct) ? reading : null;
}

/** > +1 % → +20, > 0 → +10, < −1 % → −20, < 0 → −10, exactly 0 (or no reading) → 0. */
function indexPoints(reading: IndexReading | null, config: GateConfig): number {
  if (reading === null) return 0;
  const change = reading.changePct;
  if (change > config.indexStrongPct) return config.indexStrongPoints;
  if (change > 0) return config.indexWeakPoints;
  if (change < -config.indexStrongPct) return -config.indexStrongPoints;
  if (change < 0) return -config.indexWeakPoints;
  return 0;
}

function sectorSignal(changePct: number, config: GateConfig): SectorSignal {
  if (changePct > config.sectorSignalPct) return 'bullish';
  if (changePct < -config.sectorSignalPct) return 'bearish';
  return 'neutral';
}
