import { createHash } from 'node:crypto';
import type { Grade } from './types.js';

/** What sorting needs: a VCP item's score is a number, a closing-bet item's is `{ total }`. */
export interface SortableSignal {
  readonly ticker: string;
  readonly grade: Grade;
  readonly score: number | { readonly total: number };
}

/** What decides whether a set changed: tickers, grades and levels. */
export type ChecksumSignal =
  | {
      readonly ticker: string;
      readonly grade: Grade;
      readonly entry_price: number;
      readonly target_price: number;
      readonly stop_price: number;
    }
  | {
      readonly ticker: string;
      readonly grade: Grade;
      readonly entry_price: number;
      readonly target_price: number;
      readonly stop_loss: number;
    };

const GRADE_RANK: Readonly<Record<Grade, number>> = { S: 0, A: 1, B: 2 };

const totalOf = (score: SortableSignal['score']): number => (typeof score === 'number' ? score : score.total);

/** A sorted copy: grade S > A > B, then score descending, then ticker ascending (a total order). */
export function sortSignals<T extends SortableSignal>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) =>
      GRADE_RANK[a.grade] - GRADE_RANK[b.grade] ||
      totalOf(b.score) - totalOf(a.score) ||
      (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0),
  );
}

/**
 * The canonical text a set's checksum is taken over: one line `ticker|grade|entry|target|stop`
 * per item, sorted by ticker. Scores, states and timestamps are left out on purpose: a set is
 * republished only when its tickers, grades or levels change (signals.md, Publishing rules).
 */
export function canonicalSignalSet(items: readonly ChecksumSignal[]): string {
  return items
    .map((item) => {
      const stop = 'stop_price' in item ? item.stop_price : item.stop_loss;
      return `${item.ticker}|${item.grade}|${item.entry_price}|${item.target_price}|${stop}`;
    })
    .sort()
    .join('\n');
}

/** SHA-256 (hex) of `canonicalSignalSet`: equal for sets that differ only in order, scores or time. */
export function signalSetChecksum(items: readonly ChecksumSignal[]): string {
  return createHash('sha256').update(canonicalSignalSet(items), 'utf8').digest('hex');
}
