import { randomUUID } from 'node:crypto';

/**
 * Records values as they arrive and lets a test await a count, event-based with a deadline: the
 * promise rejects (and so fails the test) when too few arrive in time.
 */
export interface Recorder<T> {
  readonly values: T[];
  push(value: T): void;
  waitForCount(count: number, opts?: { timeoutMs?: number; what?: string }): Promise<T[]>;
}

export function recorder<T>(): Recorder<T> {
  const values: T[] = [];
  const wakers = new Set<() => void>();
  return {
    values,
    push(value) {
      values.push(value);
      for (const wake of [...wakers]) wake();
    },
    waitForCount(count, { timeoutMs = 5_000, what = 'values' } = {}) {
      return new Promise<T[]>((resolve, reject) => {
        const wake = (): void => {
          if (values.length < count) return;
          finish();
          resolve(values);
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`expected ${count} ${what} within ${timeoutMs} ms, got ${values.length}`));
        }, timeoutMs);
        const finish = (): void => {
          clearTimeout(timer);
          wakers.delete(wake);
        };
        wakers.add(wake);
        wake();
      });
    },
  };
}

/** A random NATS subject token or key prefix that keeps a test apart from others on the same server. */
export function randomPrefix(): string {
  return `t${randomUUID().replaceAll('-', '').slice(0, 16)}`;
}
