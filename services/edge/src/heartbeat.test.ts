import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/fixtures/wait-for.js';
import { createHeartbeat, type Heartbeat, type HeartbeatDeps } from './heartbeat.js';

interface Sent {
  readonly ping: number;
  readonly part: number;
  readonly turn: number;
  readonly atMs: number;
}

describe('heartbeat ping waves', () => {
  let heartbeat: Heartbeat | undefined;
  let turn = 0;
  let ticker: NodeJS.Immediate | undefined;
  // Counts loop turns: one setImmediate callback per turn, rescheduling itself.
  const tick = (): void => {
    turn += 1;
    ticker = setImmediate(tick);
  };
  afterEach(() => {
    heartbeat?.stop();
    clearImmediate(ticker);
  });

  /** A heartbeat pinging every 10 ms in `parts` parts, each part calling `onPart` and then logging. */
  function start(parts: number, log: Sent[], onPart: () => void = () => undefined): Heartbeat {
    let pings = 0;
    const deps: HeartbeatDeps = {
      pingIntervalMs: 10,
      idleTimeoutMs: 60_000,
      connections: () => [],
      ping: () => {
        const ping = pings++;
        return {
          parts,
          send: (part) => {
            onPart();
            log.push({ ping, part, turn, atMs: performance.now() });
          },
        };
      },
      reap: () => undefined,
    };
    heartbeat = createHeartbeat(deps);
    heartbeat.start();
    return heartbeat;
  }

  it('sends every part of a ping in order, each on a later loop turn', async () => {
    tick();
    const log: Sent[] = [];
    start(4, log);
    await waitFor('a whole ping', () => log.filter((s) => s.ping === 0).length === 4);
    const first = log.filter((s) => s.ping === 0);
    expect(first.map((s) => s.part)).toEqual([0, 1, 2, 3]);
    for (let k = 1; k < first.length; k += 1) expect(first[k]!.turn).toBeGreaterThan(first[k - 1]!.turn);
  });

  it('skips pings that come due while one is still going out, and pings again after it', async () => {
    const log: Sent[] = [];
    // Each part holds the loop 2 ms, so one ping of 50 parts spans about ten 10 ms intervals.
    start(50, log, () => {
      const until = performance.now() + 2;
      while (performance.now() < until);
    });
    await waitFor('a second ping', () => log.some((s) => s.ping === 1));
    const first = log.filter((s) => s.ping === 0);
    expect(first.map((s) => s.part)).toEqual([...Array(50).keys()]);
    // The case under test happened: intervals came due during the first ping...
    expect(first.at(-1)!.atMs - first[0]!.atMs).toBeGreaterThan(5 * 10);
    // ...and none of them started a ping before the first one's last part was out.
    const firstOfSecond = log.findIndex((s) => s.ping === 1);
    expect(firstOfSecond).toBe(50);
  });

  it('stop cancels the parts still to go', async () => {
    const log: Sent[] = [];
    const hb = start(1_000_000, log);
    await waitFor('a ping under way', () => log.length >= 3);
    hb.stop();
    const sent = log.length;
    for (let k = 0; k < 20; k += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(log.length).toBe(sent);
    expect(hb.running).toBe(false);
  });
});
