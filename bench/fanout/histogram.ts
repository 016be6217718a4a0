/**
 * A log-bucketed latency histogram (HdrHistogram-like, fixed memory). Latencies are recorded in
 * microseconds into buckets SUB_BUCKETS per power of two, so every bucket is at most
 * 2^(1/128) - 1 ≈ 0.54 % wide whatever the magnitude: fine enough for p99.9, small enough
 * (~30 KB) to ship over IPC and to merge across load-generator processes by adding counts.
 */

const SUB_BUCKETS = 128;
/** 2^30 µs ≈ 18 minutes: anything above lands in the last bucket (and in `maxUs` exactly). */
const MAX_LOG2 = 30;
const BUCKETS = 1 + MAX_LOG2 * SUB_BUCKETS;

/** The wire form: only non-empty buckets, as [index, count] pairs. */
export interface HistogramSnapshot {
  readonly buckets: ReadonlyArray<readonly [number, number]>;
  readonly count: number;
  readonly sumUs: number;
  readonly minUs: number;
  readonly maxUs: number;
}

export class LatencyHistogram {
  readonly #counts = new Float64Array(BUCKETS);
  #count = 0;
  #sumUs = 0;
  #minUs = Number.POSITIVE_INFINITY;
  #maxUs = 0;

  /** Records one latency in milliseconds (negative values, from clock skew, count as 0). */
  recordMs(ms: number): void {
    const us = ms > 0 ? ms * 1000 : 0;
    const b = bucketOf(us);
    this.#counts[b] = (this.#counts[b] ?? 0) + 1;
    this.#count += 1;
    this.#sumUs += us;
    if (us < this.#minUs) this.#minUs = us;
    if (us > this.#maxUs) this.#maxUs = us;
  }

  get count(): number {
    return this.#count;
  }

  snapshot(): HistogramSnapshot {
    const buckets: Array<[number, number]> = [];
    this.#counts.forEach((n, i) => {
      if (n > 0) buckets.push([i, n]);
    });
    return { buckets, count: this.#count, sumUs: this.#sumUs, minUs: this.#count === 0 ? 0 : this.#minUs, maxUs: this.#maxUs };
  }
}

function bucketOf(us: number): number {
  if (us < 1) return 0;
  return Math.min(BUCKETS - 1, 1 + Math.floor(Math.log2(us) * SUB_BUCKETS));
}

/** Upper edge of a bucket in µs: a percentile read from it is never optimistic. */
function bucketUpperUs(index: number): number {
  return index === 0 ? 1 : 2 ** (index / SUB_BUCKETS);
}

/** Adds several snapshots bucket by bucket (the load generators' histograms). */
export function mergeSnapshots(parts: readonly HistogramSnapshot[]): HistogramSnapshot {
  const counts = new Map<number, number>();
  let count = 0;
  let sumUs = 0;
  let minUs = Number.POSITIVE_INFINITY;
  let maxUs = 0;
  for (const part of parts) {
    for (const [i, n] of part.buckets) counts.set(i, (counts.get(i) ?? 0) + n);
    count += part.count;
    sumUs += part.sumUs;
    if (part.count > 0) minUs = Math.min(minUs, part.minUs);
    maxUs = Math.max(maxUs, part.maxUs);
  }
  const buckets = [...counts.entries()].sort((a, b) => a[0] - b[0]);
  return { buckets, count, sumUs, minUs: count === 0 ? 0 : minUs, maxUs };
}

/** The value (ms) at quantile q in [0, 1]; NaN for an empty histogram. */
export function percentileMs(h: HistogramSnapshot, q: number): number {
  if (h.count === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * h.count));
  let seen = 0;
  for (const [i, n] of h.buckets) {
    seen += n;
    // Clamped to the exact max, so p100 and a sparse top bucket never exceed what was seen.
    if (seen >= rank) return Math.min(bucketUpperUs(i), h.maxUs) / 1000;
  }
  return h.maxUs / 1000;
}
