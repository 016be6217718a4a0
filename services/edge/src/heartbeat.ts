import type { ClientState } from './client-state.js';

/**
 * The server heartbeat and the reaper. Every `pingIntervalMs` one ping frame goes to every
 * client (published once to an internal topic); every sweep closes connections whose last
 * inbound frame is older than `idleTimeoutMs`. Both timers are owned here and stopped by `stop`.
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
  readonly sendPing: () => void;
  readonly reap: (conn: { readonly data: ClientState }) => void;
  readonly now?: () => number;
}

export function createHeartbeat(deps: HeartbeatDeps): Heartbeat {
  const now = deps.now ?? Date.now;
  // Sweeping at a quarter of the timeout bounds how late a silent client is closed (≤ 1.25 × timeout).
  const sweepMs = Math.max(5, Math.floor(deps.idleTimeoutMs / 4));
  let pingTimer: NodeJS.Timeout | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;

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
      pingTimer = setInterval(deps.sendPing, deps.pingIntervalMs);
      sweepTimer = setInterval(sweep, sweepMs);
      pingTimer.unref();
      sweepTimer.unref();
    },
    stop() {
      clearInterval(pingTimer);
      clearInterval(sweepTimer);
      pingTimer = undefined;
      sweepTimer = undefined;
    },
  };
}
