import { describe, expect, it } from 'vitest';
import { CLOSE_REASONS, CloseCode } from './close-codes.js';

describe('CloseCode', () => {
  it('keeps 1000 as the only code that tells the existing frontend not to reconnect', () => {
    expect(CloseCode.Normal).toBe(1000);
    expect(CloseCode.GoingAway).toBe(1001);
    expect(CloseCode.PolicyViolation).toBe(1008);
  });

  it.each(Object.entries(CloseCode))('%s (%d) is a code a server may send', (_name, code) => {
    // 1005, 1006 and 1015 are reserved for reporting and must never be sent (RFC 6455 §7.4.1).
    expect([1005, 1006, 1015]).not.toContain(code);
    expect((code >= 1000 && code <= 1014) || (code >= 4000 && code <= 4999)).toBe(true);
  });

  it.each(Object.values(CloseCode))('%d has a reason that fits in a close frame', (code) => {
    const reason = CLOSE_REASONS[code];
    expect(reason.length).toBeGreaterThan(0);
    expect(Buffer.byteLength(reason, 'utf8')).toBeLessThanOrEqual(123);
  });

  it('has a reason for every code and no other', () => {
    expect(Object.keys(CLOSE_REASONS).map(Number).sort()).toEqual(Object.values(CloseCode).sort());
  });
});
