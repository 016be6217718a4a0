/**
 * The open-loop publishing schedule shared by every publisher (the three in-process peers and
 * the edge's NATS publisher). Message i is due at startMs + i / rate whatever the server does:
 * a server that cannot keep up shows as latency and loss, never as a politely slower sender.
 * When the process itself falls behind (the peers publish from the event loop that also sends),
 * overdue messages go out back to back and their lateness is recorded.
 */
import { wallNowMs } from '../fanout/ipc.js';
import type { ScheduleResult, ScheduleSpec } from './ipc.js';

/** Overdue messages sent in one go before yielding, so sockets still get flushed in between. */
const MAX_BURST = 64;
/** A publisher this far behind the end of its schedule gives up on the rest. */
const GIVE_UP_MS = 1_000;

/** The measured part of a schedule: wall-clock span and the seq range [seqLo, seqHi). */
export function windowOf(spec: ScheduleSpec): { startMs: number; endMs: number; seqLo: number; seqHi: number; seconds: number } {
  const dueMs = (i: number): number => spec.startMs + (i * 1000) / spec.rate;
  return {
    startMs: dueMs(spec.warmupCount),
    endMs: dueMs(spec.warmupCount + spec.windowCount),
    seqLo: spec.firstSeq + spec.warmupCount,
    seqHi: spec.firstSeq + spec.warmupCount + spec.windowCount,
    seconds: spec.windowCount / spec.rate,
  };
}

/** Runs the schedule, calling `publishOne(seq, sentMs)` for each message; resolves when done. */
export async function runSchedule(spec: ScheduleSpec, publishOne: (seq: number, sentMs: number) => void): Promise<ScheduleResult> {
  const total = spec.warmupCount + spec.windowCount;
  const intervalMs = 1000 / spec.rate;
  const giveUpMs = windowOf(spec).endMs + GIVE_UP_MS;
  const lags: number[] = [];
  let i = 0;
  while (i < total) {
    const now = wallNowMs();
    const due = spec.startMs + i * intervalMs;
    if (now < due) {
      await new Promise((resolve) => setTimeout(resolve, due - now));
      continue;
    }
    if (now > giveUpMs) break;
    for (let burst = 0; burst < MAX_BURST && i < total; burst += 1) {
      const dueMs = spec.startMs + i * intervalMs;
      const sentMs = wallNowMs();
      if (sentMs < dueMs) break;
      publishOne(spec.firstSeq + i, sentMs);
      if (i >= spec.warmupCount) lags.push(sentMs - dueMs);
      i += 1;
    }
    // setImmediate, not a timer: let the loop flush sockets, then catch up at once.
    await new Promise((resolve) => setImmediate(resolve));
  }
  lags.sort((a, b) => a - b);
  return {
    published: i,
    publishedInWindow: lags.length,
    lagP99Ms: lags.length === 0 ? Number.NaN : (lags[Math.min(lags.length - 1, Math.ceil(lags.length * 0.99) - 1)] ?? Number.NaN),
    maxLagMs: lags.length === 0 ? Number.NaN : (lags[lags.length - 1] ?? Number.NaN),
  };
}
