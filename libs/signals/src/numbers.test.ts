import { describe, expect, it } from 'vitest';
import { clamp, roundTo, tiersReached } from './numbers.js';

describe('roundTo', () => {
  it('rounds halves away from zero despite binary noise', () => {
    expect(roundTo(91.875, 2)).toBe(91.88);
    expect(roundTo(13.124999999999998, 2)).toBe(13.13);
    expect(roundTo(-1.005, 2)).toBe(-1.01);
    expect(roundTo(0.40485829959514, 3)).toBe(0.405);
    expect(Object.is(roundTo(-0.0001, 2), 0)).toBe(true);
  });
});

describe('clamp and tiersReached', () => {
  it('clamp bounds a value; tiersReached counts the thresholds reached', () => {
    expect([clamp(-1, 0, 25), clamp(30, 0, 25), clamp(7, 0, 25)]).toEqual([0, 25, 7]);
    expect([tiersReached(1.9, [2, 3]), tiersReached(2, [2, 3]), tiersReached(9, [2, 3])]).toEqual([0, 1, 2]);
  });
});
