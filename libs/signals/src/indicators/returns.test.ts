import { describe, expect, it } from 'vitest';
import { periodReturn } from './returns.js';

describe('periodReturn', () => {
  it('divides the last close by the close `bars` positions earlier', () => {
    // 150 / 100 − 1 = 0.5;  150 / 120 − 1 = 0.25
    expect(periodReturn([100, 110, 120, 150], 3)).toBe(0.5);
    expect(periodReturn([100, 110, 120, 150], 1)).toBe(0.25);
  });

  it('is null for a too-short series or a non-positive base', () => {
    expect(periodReturn([100, 110, 120, 150], 4)).toBeNull();
    expect(periodReturn([0, 150], 1)).toBeNull();
    expect(periodReturn([], 1)).toBeNull();
  });
});
