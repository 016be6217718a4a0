/**
 * A deadline that counts only the time this process could have read an answer. A plain timer
 * also counts the time the event loop was blocked (at start-up the signal engine's first run can
 * hold it for seconds, in the standalone process), and then aborts a Kiwoom call whose answer was
 * never late: the request had not even left. Here the time is counted in steps, and a step that
 * took much longer than it should (the loop was blocked) counts as two steps at most. The abort
 * itself waits for the loop turn's I/O, so an answer that is already here is read first.
 */
export interface Deadline {
  readonly signal: AbortSignal;
  /** Stops counting; call it when the work is done. */
  clear(): void;
}

const STEP_MS = 100;

export function startDeadline(ms: number, now: () => number = () => performance.now()): Deadline {
  const controller = new AbortController();
  let counted = 0;
  let last = now();
  const timer = setInterval(() => {
    const at = now();
    counted += Math.min(at - last, 2 * STEP_MS);
    last = at;
    if (counted < ms) return;
    clearInterval(timer);
    setImmediate(() => controller.abort(new Error(`deadline of ${ms} ms passed`)));
  }, STEP_MS);
  return {
    signal: controller.signal,
    clear: () => clearInterval(timer),
  };
}
