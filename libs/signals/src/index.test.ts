import { describe, expect, it } from 'vitest';
import * as signals from './index.js';

describe('@repo/signals public surface', () => {
  it('exports exactly the documented runtime names', () => {
    expect(Object.keys(signals).sort()).toEqual(
      [
        'CLOSING_BET_REASONS',
        'DEFAULT_CLOSING_BET_CONFIG',
        'DEFAULT_GATE_CONFIG',
        'DEFAULT_SECTOR_ETFS',
        'DEFAULT_VCP_CONFIG',
        'ETF_BRANDS',
        'RS_MIN_BARS',
        'SignalsError',
        'SignalsErrorCode',
        'bollingerBands',
        'bollingerWidths',
        'computeMarketGate',
        'evaluateClosingBet',
        'evaluateTrendTemplate',
        'evaluateVcp',
        'fallbackNewsScore',
        'findSwings',
        'isSignalUniverse',
        'periodReturn',
        'resolveClosingBetConfig',
        'resolveGateConfig',
        'resolveVcpConfig',
        'rsRatings',
        'signalSetChecksum',
        'sma',
        'sortSignals',
        'universeExclusion',
        'weightedReturn',
      ].sort(),
    );
  });
});
