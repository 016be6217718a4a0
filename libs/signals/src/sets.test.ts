import { describe, expect, it } from 'vitest';
import { canonicalSignalSet, signalSetChecksum, sortSignals } from './sets.js';

const vcpItem = (ticker: string, grade: 'S' | 'A' | 'B', score: number, entry = 30_000) => ({
  ticker,
  grade,
  score,
  entry_price: entry,
  target_price: 36_000,
  stop_price: 28_500,
});

describe('sortSignals', () => {
  it('sorts by grade S > A > B, then score descending, then ticker', () => {
    const items = [
      vcpItem('000003', 'B', 99),
      vcpItem('000002', 'A', 70),
      vcpItem('000009', 'A', 70),
      vcpItem('000001', 'S', 81),
      vcpItem('000004', 'A', 75),
    ];
    expect(sortSignals(items).map((i) => i.ticker)).toEqual(['000001', '000004', '000002', '000009', '000003']);
  });

  it('reads a closing-bet score from its total and leaves the input alone', () => {
    const items = [
      { ticker: 'B', grade: 'A' as const, score: { total: 9 } },
      { ticker: 'A', grade: 'A' as const, score: { total: 12 } },
    ];
    expect(sortSignals(items).map((i) => i.ticker)).toEqual(['A', 'B']);
    expect(items[0]?.ticker).toBe('B');
  });
});

describe('signalSetChecksum', () => {
  const set = [vcpItem('000001', 'S', 91.88), vcpItem('000002', 'A', 71.88)];

  it('is taken over ticker, grade and levels, one sorted line per item', () => {
    expect(canonicalSignalSet([...set].reverse())).toBe('000001|S|30000|36000|28500\n000002|A|30000|36000|28500');
    expect(signalSetChecksum(set)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores order, scores and other fields', () => {
    const rescored = [{ ...vcpItem('000002', 'A', 66), state: 'breakout', created_at: 'later' }, vcpItem('000001', 'S', 99)];
    expect(signalSetChecksum(rescored)).toBe(signalSetChecksum(set));
  });

  it('changes with a ticker, a grade or a level', () => {
    const base = signalSetChecksum(set);
    expect(signalSetChecksum([set[0]!])).not.toBe(base);
    expect(signalSetChecksum([set[0]!, vcpItem('000002', 'B', 71.88)])).not.toBe(base);
    expect(signalSetChecksum([set[0]!, vcpItem('000002', 'A', 71.88, 30_050)])).not.toBe(base);
  });

  it('treats a closing-bet stop_loss like a VCP stop_price', () => {
    const closing = { ticker: '000001', grade: 'S' as const, entry_price: 30_000, target_price: 36_000, stop_loss: 28_500 };
    expect(canonicalSignalSet([closing])).toBe('000001|S|30000|36000|28500');
    expect(signalSetChecksum([])).toBe(signalSetChecksum([]));
  });
});
