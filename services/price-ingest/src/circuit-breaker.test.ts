import { describe, expect, it } from 'vitest';
import { createCircuitBreaker } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  it('opens after the threshold, probes once after the cooldown, and backs off on a failed probe', () => {
    let t = 0;
    const changes: string[] = [];
    const breaker = createCircuitBreaker({
      failureThreshold: 3,
      cooldownMs: 1_000,
      maxCooldownMs: 4_000,
      now: () => t,
      onChange: (s) => changes.push(s),
    });
    breaker.failure();
    breaker.failure();
    expect(breaker.allow()).toBe(true);
    breaker.failure();
    expect(breaker.state()).toBe('open');
    expect(breaker.allow()).toBe(false);
    t = 1_000;
    expect(breaker.allow()).toBe(true); // the probe
    expect(breaker.allow()).toBe(false); // only one
    breaker.failure();
    expect(breaker.state()).toBe('open');
    t = 2_999;
    expect(breaker.allow()).toBe(false); // cooldown doubled to 2 s
    t = 3_000;
    expect(breaker.allow()).toBe(true);
    breaker.success();
    expect(breaker.state()).toBe('closed');
    expect(changes).toEqual(['open', 'half_open', 'open', 'half_open', 'closed']);
  });

  it('caps the cooldown and resets it after a success', () => {
    let t = 0;
    const breaker = createCircuitBreaker({ failureThreshold: 1, cooldownMs: 1_000, maxCooldownMs: 2_000, now: () => t });
    breaker.failure();
    for (const step of [1_000, 2_000, 2_000]) {
      t += step;
      expect(breaker.allow()).toBe(true);
      breaker.failure();
    }
    t += 1_999;
    expect(breaker.allow()).toBe(false);
    t += 1;
    expect(breaker.allow()).toBe(true);
    breaker.success();
    breaker.failure();
    t += 1_000;
    expect(breaker.allow()).toBe(true);
  });
});
