import { describe, expect, it } from 'vitest';
import { NOW } from '../test/builders.js';
import { computeMarketGate, DEFAULT_SECTOR_ETFS, type SectorReading } from './market-gate.js';

const sectorsWith = (changes: readonly (number | null)[]): SectorReading[] =>
  DEFAULT_SECTOR_ETFS.map((etf, i) => ({ ...etf, changePct: changes[i] ?? null }));

describe('computeMarketGate', () => {
  it('adds index and sector points to 50 (golden YELLOW)', () => {
    // KOSPI +1.2 > 1.0 → +20; KOSDAQ −0.5 < 0 → −10;
    // sectors +1.5 and +2.0 bullish, −1.2 bearish, 0 and +0.5 neutral → (2 − 1) × 5 = +5.
    // 50 + 20 − 10 + 5 = 65 → YELLOW (40 ≤ 65 < 70).
    const gate = computeMarketGate({
      kospi: { value: 2_650.12, changePct: 1.2 },
      kosdaq: { value: 850.3, changePct: -0.5 },
      sectors: sectorsWith([1.5, 2.0, -1.2, 0, 0.5]),
      now: NOW,
    });
    expect(gate).toEqual({
      status: 'YELLOW',
      level: 65,
      kospi: 2_650.12,
      kospi_change_pct: 1.2,
      kosdaq: 850.3,
      kosdaq_change_pct: -0.5,
      sectors: [
        { name: '반도체', ticker: '091160', change_pct: 1.5, signal: 'bullish' },
        { name: '2차전지', ticker: '305720', change_pct: 2, signal: 'bullish' },
        { name: '자동차', ticker: '091180', change_pct: -1.2, signal: 'bearish' },
        { name: '바이오', ticker: '244580', change_pct: 0, signal: 'neutral' },
        { name: '은행', ticker: '091170', change_pct: 0.5, signal: 'neutral' },
      ],
      updated_at: '2026-11-25T15:10:00+09:00',
    });
  });

  it('clamps the sector bonus to ±20 and the level to 0–100', () => {
    // 50 + 20 + 20 + min(5 × 5, 20) = 110 → 100 GREEN;  50 − 20 − 20 − 20 = −10 → 0 RED.
    const up = computeMarketGate({
      kospi: { value: 1, changePct: 2 },
      kosdaq: { value: 1, changePct: 3 },
      sectors: sectorsWith([2, 2, 2, 2, 2]),
      now: NOW,
    });
    expect([up.level, up.status]).toEqual([100, 'GREEN']);
    const down = computeMarketGate({
      kospi: { value: 1, changePct: -3.52 },
      kosdaq: { value: 1, changePct: -3.37 },
      sectors: sectorsWith([-2, -2, -2, -2, -2]),
      now: NOW,
    });
    expect([down.level, down.status]).toEqual([0, 'RED']);
  });

  it('gives +10 for a change of exactly +1.0 % and keeps a sector at exactly ±1 % neutral', () => {
    // 50 + 10 − 10 + 0 = 50 → YELLOW.
    const gate = computeMarketGate({
      kospi: { value: 1, changePct: 1 },
      kosdaq: { value: 1, changePct: -1 },
      sectors: sectorsWith([1, -1, 0, 0, 0]),
      now: NOW,
    });
    expect(gate.level).toBe(50);
    expect(gate.sectors.map((s) => s.signal)).toEqual(['neutral', 'neutral', 'neutral', 'neutral', 'neutral']);
  });

  it('keeps zeros as numbers', () => {
    const gate = computeMarketGate({
      kospi: { value: 0, changePct: 0 },
      kosdaq: { value: 800, changePct: 0 },
      sectors: sectorsWith([0, 0, 0, 0, 0]),
      now: NOW,
    });
    expect(gate).toMatchObject({ level: 50, status: 'YELLOW', kospi: 0, kospi_change_pct: 0, kosdaq_change_pct: 0 });
    expect(gate.sectors.every((s) => s.change_pct === 0)).toBe(true);
  });

  it('reports a missing index as null and scores what is there', () => {
    // KOSDAQ missing: 50 + 20 (KOSPI +1.5) + 5 (one bullish sector) = 75 → GREEN.
    const gate = computeMarketGate({
      kospi: { value: 2_700, changePct: 1.5 },
      kosdaq: null,
      sectors: sectorsWith([1.5, 0, 0, 0, 0]),
      now: NOW,
    });
    expect(gate).toMatchObject({ level: 75, status: 'GREEN', kosdaq: null, kosdaq_change_pct: null });
    const nothing = computeMarketGate({ kospi: null, kosdaq: { value: Number.NaN, changePct: 1 }, sectors: [], now: NOW });
    expect(nothing).toMatchObject({ level: 50, status: 'YELLOW', kospi: null, kosdaq: null, sectors: [] });
  });

  it('leaves a sector without a quote out of the payload and the count', () => {
    // 50 + 0 + 0 + (1 − 0) × 5 = 55.
    const gate = computeMarketGate({
      kospi: { value: 1, changePct: 0 },
      kosdaq: { value: 1, changePct: 0 },
      sectors: sectorsWith([null, 3, null, null, null]),
      now: NOW,
    });
    expect(gate.level).toBe(55);
    expect(gate.sectors).toEqual([{ name: '2차전지', ticker: '305720', change_pct: 3, signal: 'bullish' }]);
  });

  it('takes thresholds from the config', () => {
    const gate = computeMarketGate({
      kospi: { value: 1, changePct: 0.5 },
      kosdaq: null,
      sectors: [],
      now: NOW,
      config: { indexWeakPoints: 30 },
    });
    expect([gate.level, gate.status]).toEqual([80, 'GREEN']);
  });
});

describe('DEFAULT_SECTOR_ETFS', () => {
  it('lists the five KODEX sector ETFs and not the KODEX 200 tracker', () => {
    expect(DEFAULT_SECTOR_ETFS.map((s) => `${s.name} ${s.ticker}`)).toEqual([
      '반도체 091160',
      '2차전지 305720',
      '자동차 091180',
      '바이오 244580',
      '은행 091170',
    ]);
    expect(DEFAULT_SECTOR_ETFS.some((s) => s.ticker === '069500')).toBe(false);
  });
});
