import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CLOSING_BET_CONFIG,
  DEFAULT_GATE_CONFIG,
  DEFAULT_VCP_CONFIG,
  resolveClosingBetConfig,
  resolveGateConfig,
  resolveVcpConfig,
} from './config.js';
import { SignalsError } from './errors.js';
import type { VcpConfig } from './config.js';

describe('config', () => {
  it('holds the signals.md thresholds as frozen defaults', () => {
    expect(DEFAULT_VCP_CONFIG).toMatchObject({
      minBars: 260,
      minRsRating: 70,
      maxPivotDistance: 0.08,
      gradeSMinScore: 80,
      gradeAMinScore: 65,
      gradeBMinScore: 50,
    });
    expect(DEFAULT_CLOSING_BET_CONFIG).toMatchObject({ minTradingValueKrw: 1e11, capitalKrw: 10_000_000, limitUpChangePct: 29.5 });
    expect(DEFAULT_GATE_CONFIG).toMatchObject({ baseLevel: 50, greenMinLevel: 70, yellowMinLevel: 40 });
    expect(Object.isFrozen(DEFAULT_VCP_CONFIG)).toBe(true);
  });

  it('applies partial overrides and returns the defaults without any', () => {
    expect(resolveVcpConfig()).toBe(DEFAULT_VCP_CONFIG);
    expect(resolveClosingBetConfig({ capitalKrw: 20_000_000 })).toMatchObject({ capitalKrw: 20_000_000, minPriceKrw: 1_000 });
    expect(resolveClosingBetConfig({ volumeRatioTiers: [3, 6] }).volumeRatioTiers).toEqual([3, 6]);
    expect(resolveGateConfig({ sectorPoints: 4 }).sectorPoints).toBe(4);
  });

  it('rejects unknown keys and values of the wrong kind with SIGNALS_INVALID_CONFIG', () => {
    expect(() => resolveVcpConfig({ minBarz: 1 } as Partial<VcpConfig>)).toThrowError(
      expect.objectContaining({ code: 'SIGNALS_INVALID_CONFIG', message: 'VCP config: unknown key minBarz' }),
    );
    expect(() => resolveVcpConfig({ minBars: Number.NaN })).toThrow(SignalsError);
    expect(() => resolveClosingBetConfig({ requireTodayBar: 'yes' } as never)).toThrow(/requireTodayBar/);
    expect(() => resolveClosingBetConfig({ flowTiers: [0.05, Number.POSITIVE_INFINITY] })).toThrow(SignalsError);
  });
});
