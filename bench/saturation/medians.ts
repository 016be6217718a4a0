/** Medians over a server's repeats, and the number formatting of summary.md. */
import type { RepeatResult } from './scenarios.js';

export function median(values: ReadonlyArray<number | null | undefined>): number {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const mid = Math.floor(finite.length / 2);
  return finite.length % 2 === 1 ? (finite[mid] ?? Number.NaN) : ((finite[mid - 1] ?? 0) + (finite[mid] ?? 0)) / 2;
}

function majority(flags: ReadonlyArray<boolean | undefined>): boolean {
  const known = flags.filter((f): f is boolean => f !== undefined);
  return known.filter(Boolean).length * 2 > known.length;
}

export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
export const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
export const table = (header: readonly string[], rows: ReadonlyArray<readonly string[]>): string =>
  [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');

/** Medians per server label of the numbers the tables and the targets use. */
export interface Medians {
  readonly aDelivered: number;
  readonly aRate: number;
  /** The medians are lower bounds: most repeats stopped at an INVALID (client-bound) step. */
  readonly aBound: boolean;
  readonly bBound: boolean;
  readonly bDelivered: number;
  readonly bRate: number;
  readonly cP50: number;
  readonly cP99: number;
  readonly cP999: number;
  readonly cArrivalP99: number;
  /** raw-uws-nats only: publisher → nats-server → server, over scenario c's step. */
  readonly cHopP50: number;
  readonly cHopP99: number;
  readonly dKib: number;
  readonly dMax: number;
  readonly eRatio: number;
  readonly eArrivalRatio: number;
  readonly eGrowthMb: number;
  readonly eFlat: boolean | undefined;
  readonly fP99: number;
}

export function mediansOf(results: readonly RepeatResult[]): Medians {
  const pick = <T>(fn: (r: RepeatResult) => T): T[] => results.map(fn);
  const flats = pick((r) => r.e?.flat).filter((f): f is boolean => f !== undefined);
  return {
    aDelivered: median(pick((r) => r.a?.maxDeliveredPerSecond)),
    aRate: median(pick((r) => r.a?.maxRate)),
    aBound: majority(pick((r) => r.a?.clientBound)),
    bBound: majority(pick((r) => r.b?.clientBound)),
    bDelivered: median(pick((r) => r.b?.maxDeliveredPerSecond)),
    bRate: median(pick((r) => r.b?.maxRate)),
    cP50: median(pick((r) => r.c?.latencyMs.p50)),
    cP99: median(pick((r) => r.c?.latencyMs.p99)),
    cP999: median(pick((r) => r.c?.latencyMs.p999)),
    cArrivalP99: median(pick((r) => r.c?.arrivalMs.p99)),
    cHopP50: median(pick((r) => r.c?.serverStats.extra['busHopP50Ms'])),
    cHopP99: median(pick((r) => r.c?.serverStats.extra['busHopP99Ms'])),
    dKib: median(pick((r) => r.d?.kibPerConnection)),
    dMax: median(pick((r) => r.d?.maxAccepted)),
    eRatio: median(pick((r) => r.e?.p99Ratio)),
    eArrivalRatio: median(pick((r) => (r.e === undefined ? undefined : r.e.slow.arrivalMs.p99 / r.e.base.arrivalMs.p99))),
    eGrowthMb: median(pick((r) => r.e?.rssGrowthMb)),
    // Flat only if flat in the majority of repeats.
    eFlat: flats.length === 0 ? undefined : flats.filter(Boolean).length * 2 > flats.length,
    fP99: median(pick((r) => r.f?.p99)),
  };
}
