import { describe, expect, it } from 'vitest';
import { TopicSequences } from './sequence.js';

describe('TopicSequences', () => {
  it('accepts the first seq of a topic whatever it is, then consecutive ones', () => {
    const seqs = new TopicSequences();
    expect(seqs.check('price:005930', 1842)).toEqual({ kind: 'accept' });
    expect(seqs.check('price:005930', 1843)).toEqual({ kind: 'accept' });
    expect(seqs.check('market-gate', 1)).toEqual({ kind: 'accept' });
  });

  it('drops a seq at or below the highest seen (a late snapshot)', () => {
    const seqs = new TopicSequences();
    seqs.check('price:005930', 10);
    expect(seqs.check('price:005930', 10)).toEqual({ kind: 'stale', last: 10 });
    expect(seqs.check('price:005930', 3)).toEqual({ kind: 'stale', last: 10 });
    expect(seqs.check('price:005930', 11)).toEqual({ kind: 'accept' });
  });

  it('reports a gap once, then accepts newer messages unchecked until the resync completes', () => {
    const seqs = new TopicSequences();
    seqs.check('signal:vcp', 4);
    expect(seqs.check('signal:vcp', 7)).toEqual({ kind: 'gap', expected: 5 });
    expect(seqs.resyncing('signal:vcp')).toBe(true);
    // Still live until the server handles the unsubscribe; then it is briefly unsubscribed.
    expect(seqs.check('signal:vcp', 9)).toEqual({ kind: 'accept' });
    seqs.subscribed('signal:vcp');
    // The snapshot after the new `subscribed` sets the baseline even though messages were missed.
    expect(seqs.check('signal:vcp', 15)).toEqual({ kind: 'accept' });
    expect(seqs.resyncing('signal:vcp')).toBe(false);
    expect(seqs.check('signal:vcp', 16)).toEqual({ kind: 'accept' });
    expect(seqs.check('signal:vcp', 18)).toEqual({ kind: 'gap', expected: 17 });
  });

  it('ends a resync on a stale snapshot too, so later gaps are reported again', () => {
    const seqs = new TopicSequences();
    seqs.check('market:kospi', 1);
    expect(seqs.check('market:kospi', 3)).toEqual({ kind: 'gap', expected: 2 });
    seqs.subscribed('market:kospi');
    expect(seqs.check('market:kospi', 3)).toEqual({ kind: 'stale', last: 3 });
    expect(seqs.resyncing('market:kospi')).toBe(false);
    expect(seqs.check('market:kospi', 5)).toEqual({ kind: 'gap', expected: 4 });
  });

  it('ignores a `subscribed` that is not part of a resync', () => {
    const seqs = new TopicSequences();
    seqs.subscribed('price:005930');
    expect(seqs.resyncing('price:005930')).toBe(false);
    expect(seqs.size).toBe(0);
  });

  it('forgets a topic; keeps seqs across a new connection, where the first value is the baseline', () => {
    const seqs = new TopicSequences();
    seqs.check('price:005930', 10);
    seqs.check('price:000660', 10);
    seqs.check('price:000660', 12);
    seqs.forget('price:005930');
    expect(seqs.check('price:005930', 1)).toEqual({ kind: 'accept' });
    seqs.reconnected();
    expect(seqs.resyncing('price:000660')).toBe(true);
    seqs.subscribed('price:000660');
    // The snapshot of a value already delivered is a duplicate.
    expect(seqs.check('price:000660', 12)).toEqual({ kind: 'stale', last: 12 });
    expect(seqs.resyncing('price:000660')).toBe(false);
    seqs.reconnected();
    seqs.subscribed('price:000660');
    // A newer snapshot after missed messages: the new baseline, no gap.
    expect(seqs.check('price:000660', 20)).toEqual({ kind: 'accept' });
    expect(seqs.check('price:000660', 21)).toEqual({ kind: 'accept' });
  });

  it('accepts a lower seq with a newer ts: the producer started its numbering over', () => {
    const seqs = new TopicSequences();
    expect(seqs.check('signal:vcp', 40, '2026-12-04T09:00:00+09:00')).toEqual({ kind: 'accept' });
    // A late copy (lower seq, older ts) is stale; the same seq again is a duplicate.
    expect(seqs.check('signal:vcp', 39, '2026-12-04T08:59:00+09:00')).toEqual({ kind: 'stale', last: 40 });
    expect(seqs.check('signal:vcp', 40, '2026-12-04T09:00:00+09:00')).toEqual({ kind: 'stale', last: 40 });
    expect(seqs.check('signal:vcp', 1, '2026-12-04T09:05:00+09:00')).toEqual({ kind: 'accept' });
    expect(seqs.check('signal:vcp', 2, '2026-12-04T09:05:01+09:00')).toEqual({ kind: 'accept' });
  });
});
