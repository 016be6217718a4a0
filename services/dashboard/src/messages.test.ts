import { describe, expect, it } from 'vitest';
import { messageTimestamp, parseGate, parseJonggaItem, parseQuote, parseSignalUpdate, parseVcpItem } from './messages.js';

const aPriceUpdate = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'price_update',
  topic: 'price:005930',
  seq: 4,
  ticker: '005930',
  data: { price: 67500, change: 700, change_rate: 1.05, volume: 8245909, bid_price: 67400, ask_price: 67500 },
  timestamp: '2026-11-25T15:00:30+09:00',
  source: 'kiwoom_rest',
  ...over,
});

describe('messages', () => {
  it('reads a quote and marks database quotes stale', () => {
    expect(parseQuote(aPriceUpdate())).toEqual({
      ticker: '005930',
      price: 67500,
      change: 700,
      changeRate: 1.05,
      volume: 8245909,
      timestamp: '2026-11-25T15:00:30+09:00',
      source: 'kiwoom_rest',
      stale: false,
      asOf: undefined,
    });
    expect(parseQuote(aPriceUpdate({ source: 'db', as_of: '2026-11-24' }))).toMatchObject({ stale: true, asOf: '2026-11-24' });
  });

  it('drops messages that do not fit instead of half-rendering them', () => {
    expect(parseQuote(aPriceUpdate({ data: { price: '67500' } }))).toBeNull();
    expect(parseQuote(aPriceUpdate({ ticker: undefined }))).toBeNull();
    expect(parseQuote({ type: 'index_update' })).toBeNull();
    expect(parseGate({ type: 'market_gate_update', data: { status: 'BLUE' } })).toBeNull();
    expect(parseSignalUpdate({ type: 'signal_update', data: { signals: 'x' } })).toBeNull();
    expect(parseJonggaItem({ ticker: '064350' })).toBeNull();
  });

  it('reads the gate, with the seed’s null changes and unknown sector signals as neutral', () => {
    const gate = parseGate({
      type: 'market_gate_update',
      timestamp: '2026-11-25T15:00:31+09:00',
      data: {
        status: 'RED',
        level: 0,
        kospi: 4981.88,
        kospi_change_pct: null,
        kosdaq: 1071.05,
        kosdaq_change_pct: -3.37,
        sectors: [{ name: '반도체', change_pct: -2.1, signal: 'bearish' }, { name: '금융', change_pct: 0.2, signal: '?' }, { bad: 1 }],
      },
    });
    expect(gate).toMatchObject({ status: 'RED', level: 0, kospiChangePct: null, kosdaqChangePct: -3.37 });
    expect(gate?.sectors).toEqual([
      { name: '반도체', changePct: -2.1, signal: 'bearish' },
      { name: '금융', changePct: 0.2, signal: 'neutral' },
    ]);
  });

  it('tells signal sets apart by topic, else by signal_type, and reads both item shapes', () => {
    const vcp = parseSignalUpdate({
      type: 'signal_update',
      topic: 'signal:vcp',
      data: { signal_type: 'VCP', signals: [{ ticker: '042700' }, 3] },
    });
    expect(vcp).toEqual({ kind: 'vcp', items: [{ ticker: '042700' }], timestamp: undefined });
    expect(parseSignalUpdate({ type: 'signal_update', data: { signal_type: 'JONGGA_V2', signals: [] } })?.kind).toBe('jongga_v2');

    expect(
      parseVcpItem({ ticker: '042700', name: '한미반도체', score: 87.26, grade: 'S', state: 'setup', pivot: 146300, stop_price: 138300 }),
    ).toMatchObject({
      grade: 'S',
      entryPrice: 146300,
      stopPrice: 138300,
    });
    // The seed's WebSocket shape: no grade, total_score only.
    expect(parseVcpItem({ ticker: '005930', total_score: 72 })).toMatchObject({ name: '005930', grade: 'A', score: 72 });

    expect(
      parseJonggaItem({
        ticker: '064350',
        name: '현대로템',
        grade: 'B',
        score: { total: 11, bonus: 3 },
        stop_loss: 162700,
        reasons: ['수급 개선', 1],
      }),
    ).toMatchObject({ total: 11, bonus: 3, stopLoss: 162700, reasons: ['수급 개선'] });
    expect(parseJonggaItem({ ticker: '005930', grade: 'A', score: 8 })).toMatchObject({ total: 8, bonus: null });
  });

  it('finds the producer timestamp at the top level or inside data', () => {
    expect(messageTimestamp(aPriceUpdate())).toBe('2026-11-25T15:00:30+09:00');
    expect(messageTimestamp({ type: 'signal_update', data: { timestamp: '2026-11-25T15:00:16+09:00' } })).toBe('2026-11-25T15:00:16+09:00');
    expect(messageTimestamp({ type: 'pong' })).toBeUndefined();
  });
});
