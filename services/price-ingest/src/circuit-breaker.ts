/**
 * A circuit breaker around Kiwoom. Closed: calls go through. After `failureThreshold` failures
 * in a row it opens for `cooldownMs`: nothing is called and quotes come from the database. Then
 * one probe is let through (half-open): success closes it, failure opens it again for a longer
 * cooldown (doubling up to `maxCooldownMs`), so a long outage costs one call per cooldown.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreaker {
  /** Whether a call may go out now (in half-open, only the one probe). */
  allow(): boolean;
  success(): void;
  failure(): void;
  state(): BreakerState;
}

export interface CircuitBreakerOptions {
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  readonly maxCooldownMs: number;
  readonly now?: () => number;
  readonly onChange?: (state: BreakerState) => void;
}

export function createCircuitBreaker(opts: CircuitBreakerOptions): CircuitBreaker {
  const now = opts.now ?? Date.now;
  let state: BreakerState = 'closed';
  let failures = 0;
  let cooldownMs = opts.cooldownMs;
  let openedAtMs = 0;
  let probing = false;

  const set = (next: BreakerState): void => {
    if (state === next) return;
    state = next;
    opts.onChange?.(next);
  };

  const open = (): void => {
    openedAtMs = now();
    probing = false;
    set('open');
  };

  return {
    allow() {
      if (state === 'closed') return true;
      if (state === 'open' && now() - openedAtMs >= cooldownMs) set('half_open');
      if (state === 'half_open' && !probing) {
        probing = true;
        return true;
      }
      return false;
    },
    success() {
      failures = 0;
      cooldownMs = opts.cooldownMs;
      probing = false;
      set('closed');
    },
    failure() {
      if (state === 'half_open') {
        cooldownMs = Math.min(cooldownMs * 2, opts.maxCooldownMs);
        open();
        return;
      }
      failures += 1;
      if (state === 'closed' && failures >= opts.failureThreshold) open();
    },
    state: () => state,
  };
}
