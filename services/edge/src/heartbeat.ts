import type { ClientState } from './client-state.js';

/**
 * The server heartbeat and the reaper. Every `pingIntervalMs` one ping frame goes to every
 * client, in as many parts as the ping says: part 0 at once, each next one a loop turn later,
 * so a ping to many thousand sockets never holds the loop for a whole pass (the same reason a
 * big topic is fanned out in slices, ADR 0002). A ping that comes due while the previous one is
 * still going out is skipped. Every sweep closes connections whose last inbound frame is older
 * than `idleTimeoutMs`. Both timers and the pending part are owned here and stopped by `stop`.
 */
export interface Heartbeat {
  start(): void;
  stop(): void;
  readonly running: boolean;
}

export interface HeartbeatDeps {
  readonly pingIntervalMs: number;
  readonly idleTimeoutMs: number;
  readonly connections: () => Iterable<{ readonly data: ClientState }>;
  /** Encodes one ping and says how to send it: `parts` loop turns, `send(k)` for k = 0..parts-1. */
  readonly ping: () => PingWave;
  readonly reap: (conn: { readonly data: ClientState }) => void;
  readonly now?: () => number;
}

export interface PingWave {
  readonly parts: number;
  send(part: number): void;
}

export function createHeartbeat(deps: HeartbeatDeps): Heartbeat {
  const now = deps.now ?? Date.now;
  // Sweeping at a quarter of the timeout bounds how late a silent client is closed (≤ 1.25 × timeout).
  const sweepMs = Math.max(5, Math.floor(deps.idleTimeoutMs / 4));
  let pingTimer: NodeJS.Timeout | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let nextPart: NodeJS.Immediate | undefined;

  const sendParts = (wave: PingWave, part: number): void => {
    nextPart = undefined;
    wave.send(part);
    if (part + 1 < wave.parts) nextPart = setImmediate(sendParts, wave, part + 1);
  };
  const ping = (): void => {
    if (nextPart === undefined) sendParts(deps.ping(), 0);
  };

  const sweep = (): void => {
    const cutoff = now() - deps.idleTimeoutMs;
    const silent = [];
    for (const conn of deps.connections()) {
      if (!conn.data.closing && conn.data.lastSeenMs < cutoff) silent.push(conn);
    }
    // Reap after iterating: closing a socket removes it from the set being iterated.
    for (const conn of silent) deps.reap(conn);
  };

  return {
    get running() {
      return pingTimer !== undefined;
    },
    start() {
      if (pingTimer !== undefined) return;
      pingTimer = setInterval(ping, deps.pingIntervalMs);
      sweepTimer = setInterval(sweep, sweepMs);
      pingTimer.unref();
      sweepTimer.unref();
    },
    stop() {
      clearInterval(pingTimer);
      clearInterval(sweepTimer);
      clearImmediate(nextPart);
      nextPart = undefined;
      pingTimer = undefined;
      sweepTimer = undefined;
    },
  };
}
