/**
 * The rate search: the highest publish rate whose step passes. Grows the rate geometrically from
 * a start until a step does not pass (or shrinks it until one does), then bisects on a log scale.
 * An INVALID step (the clients were the bottleneck) is "cannot tell": it is never counted as a
 * pass, the search does not climb past it, and the outcome says so.
 */

export type Verdict = 'pass' | 'fail' | 'invalid';

export interface SearchOptions {
  readonly start: number;
  readonly min: number;
  readonly max: number;
  /** Factor per step while bracketing (2 = doubling). */
  readonly growth: number;
  readonly bisectSteps: number;
}

export interface SearchOutcome {
  /** The highest rate that passed; null when none did. */
  readonly best: number | null;
  /** The lowest rate above `best` that did not pass (fail or INVALID); null if none was tried. */
  readonly ceiling: number | null;
  readonly steps: ReadonlyArray<{ readonly rate: number; readonly verdict: Verdict }>;
  readonly notes: readonly string[];
}

/** Rates are kept to 3 significant digits: finer steps are below the noise of one step. */
function round(rate: number): number {
  return Number(rate.toPrecision(3));
}

export async function searchMaxRate(evaluate: (rate: number) => Promise<Verdict>, o: SearchOptions): Promise<SearchOutcome> {
  const steps: Array<{ rate: number; verdict: Verdict }> = [];
  const notes: string[] = [];
  let best: number | null = null;
  let ceiling: number | null = null;
  const tryRate = async (rate: number): Promise<Verdict> => {
    const verdict = await evaluate(rate);
    steps.push({ rate, verdict });
    if (verdict === 'pass') best = Math.max(best ?? rate, rate);
    else ceiling = Math.min(ceiling ?? rate, rate);
    if (verdict === 'invalid') notes.push(`INVALID at ${rate}/s (cannot tell; not counted as a pass)`);
    return verdict;
  };

  let rate = round(Math.min(o.max, Math.max(o.min, o.start)));
  if ((await tryRate(rate)) === 'pass') {
    for (;;) {
      const next = round(Math.min(o.max, rate * o.growth));
      if (next <= rate) {
        notes.push(`passes at the upper bound ${o.max}/s (--rate-max)`);
        break;
      }
      rate = next;
      if ((await tryRate(rate)) !== 'pass') break;
    }
  } else {
    for (;;) {
      const next = round(Math.max(o.min, rate / o.growth));
      if (next >= rate) {
        notes.push(`does not pass even at the lower bound ${o.min}/s (--rate-min)`);
        break;
      }
      rate = next;
      if ((await tryRate(rate)) === 'pass') break;
    }
  }
  for (let k = 0; k < o.bisectSteps && best !== null && ceiling !== null; k += 1) {
    const mid = round(Math.sqrt(best * ceiling));
    if (mid <= best || mid >= ceiling) break;
    await tryRate(mid);
  }
  return { best, ceiling, steps, notes };
}
