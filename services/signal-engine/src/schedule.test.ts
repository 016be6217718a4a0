import { describe, expect, it } from 'vitest';
import { closingBetSlot, inClosingBetWindow, vcpSlot } from './schedule.js';

// 2026-11-25 is a Wednesday (a trading day); 2026-11-28 a Saturday. Times are KST (+09:00).
const at = (iso: string): Date => new Date(iso);

describe('signal schedule', () => {
  it('runs VCP every period during the session and once after the close', () => {
    const every = 5 * 60_000;
    expect(vcpSlot(at('2026-11-25T10:00:00+09:00'), every)).toBe(vcpSlot(at('2026-11-25T10:04:59+09:00'), every));
    expect(vcpSlot(at('2026-11-25T10:00:00+09:00'), every)).not.toBe(vcpSlot(at('2026-11-25T10:05:00+09:00'), every));
    expect(vcpSlot(at('2026-11-25T16:00:00+09:00'), every)).toBe('20261125:final');
    expect(vcpSlot(at('2026-11-25T23:00:00+09:00'), every)).toBe('20261125:final');
    expect(vcpSlot(at('2026-11-25T08:00:00+09:00'), every)).toBeUndefined();
    expect(vcpSlot(at('2026-11-28T11:00:00+09:00'), every)).toBeUndefined();
  });

  it('runs closing-bet every minute from 14:50 to 15:20 and the final set after 15:30', () => {
    expect(closingBetSlot(at('2026-11-25T14:49:59+09:00'))).toBeUndefined();
    expect(closingBetSlot(at('2026-11-25T14:50:00+09:00'))).toEqual({ slot: '20261125:890', final: false });
    expect(closingBetSlot(at('2026-11-25T15:19:59+09:00'))).toEqual({ slot: '20261125:919', final: false });
    expect(closingBetSlot(at('2026-11-25T15:25:00+09:00'))).toBeUndefined();
    expect(closingBetSlot(at('2026-11-25T15:30:00+09:00'))).toEqual({ slot: '20261125:final', final: true });
    expect(closingBetSlot(at('2026-11-28T15:00:00+09:00'))).toBeUndefined();
  });

  it('asks for the whole universe only around the closing-bet window on trading days', () => {
    expect(inClosingBetWindow(at('2026-11-25T14:44:00+09:00'))).toBe(false);
    expect(inClosingBetWindow(at('2026-11-25T14:45:00+09:00'))).toBe(true);
    expect(inClosingBetWindow(at('2026-11-25T15:34:00+09:00'))).toBe(true);
    expect(inClosingBetWindow(at('2026-11-25T15:35:00+09:00'))).toBe(false);
    expect(inClosingBetWindow(at('2026-11-28T15:00:00+09:00'))).toBe(false);
  });
});
