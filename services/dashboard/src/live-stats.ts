/**
 * Messages per second and latency (arrival time − the message's own timestamp) over a sliding
 * window. Pure: the caller passes the clock, the view renders `snapshot()` once a second.
 */
export interface LiveStatsSnapshot {
  readonly perSecond: number;
  readonly total: number;
  readonly gaps: number;
  /** Median and 95th percentile of the latency samples in the window; undefined without samples. */
  readonly latencyP50Ms: number | undefined;
  readonly latencyP95Ms: number | undefined;
  /**
   * True when the median is beyond `clockOffsetMs`: the producer's clock is not ours (the
   * standalone demo runs its market at 15:00 KST of the last trading day), so the number is a
   * clock offset, not a network delay.
   */
  readonly clockOffset: boolean;
}

export interface LiveStats {
  record(nowMs: number, timestamp: string | undefined): void;
  gap(): void;
  snapshot(nowMs: number): LiveStatsSnapshot;
}

export function createLiveStats({ windowMs = 10_000, clockOffsetMs = 5 * 60_000 } = {}): LiveStats {
  // Arrival times and latencies of the window, oldest first; trimmed on every record and snapshot.
  const arrivals: number[] = [];
  const latencies: { at: number; ms: number }[] = [];
  let total = 0;
  let gaps = 0;

  const trim = (nowMs: number): void => {
    const oldest = nowMs - windowMs;
    let a = 0;
    while (a < arrivals.length && (arrivals[a] as number) <= oldest) a += 1;
    if (a > 0) arrivals.splice(0, a);
    let l = 0;
    while (l < latencies.length && (latencies[l] as { at: number }).at <= oldest) l += 1;
    if (l > 0) latencies.splice(0, l);
  };

  return {
    record(nowMs, timestamp) {
      total += 1;
      arrivals.push(nowMs);
      const sent = timestamp === undefined ? Number.NaN : Date.parse(timestamp);
      if (!Number.isNaN(sent)) latencies.push({ at: nowMs, ms: nowMs - sent });
      trim(nowMs);
    },
    gap() {
      gaps += 1;
    },
    snapshot(nowMs) {
      trim(nowMs);
      const sorted = latencies.map((l) => l.ms).sort((a, b) => a - b);
      const p50 = percentile(sorted, 0.5);
      return {
        perSecond: arrivals.length / (windowMs / 1000),
        total,
        gaps,
        latencyP50Ms: p50,
        latencyP95Ms: percentile(sorted, 0.95),
        clockOffset: p50 !== undefined && Math.abs(p50) > clockOffsetMs,
      };
    },
  };
}

/** Nearest-rank percentile of an ascending list. */
function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
