import { DEMAND_SUBJECT, encodeDemand, type DemandMessage } from '@repo/protocol';

import type { Bus } from './bus.js';
import { silentLogger, type BusLogger } from './logger.js';

/**
 * Tells the ingest leader which tickers an owner (an edge's clients, the signal engine) wants
 * (`ctl.demand`). Changes go out
 * as one delta per event-loop turn (a burst of subscribes is one message); the full set goes out
 * every `leaseIntervalMs` as a lease valid for `leaseTtlMs`, so a crashed edge is forgotten.
 */
export interface DemandReporter {
  /** A ticker got its first local subscriber. */
  add(ticker: string): void;
  /** A ticker lost its last local subscriber. */
  remove(ticker: string): void;
  /** Makes the demanded set exactly `wanted` (adds and removes the difference). */
  set(wanted: ReadonlySet<string>): void;
  start(): void;
  /** Sends a final delta removing everything, then stops its timers. */
  stop(): void;
}

export interface DemandReporterDeps {
  readonly bus: Bus;
  readonly owner: string;
  readonly leaseIntervalMs: number;
  readonly leaseTtlMs: number;
  readonly logger?: BusLogger;
  readonly now?: () => number;
}

export function createDemandReporter(deps: DemandReporterDeps): DemandReporter {
  const now = deps.now ?? Date.now;
  // The current set is bounded by the edge's topic cap; pending changes by the same set.
  const current = new Set<string>();
  const pendingAdd = new Set<string>();
  const pendingRemove = new Set<string>();
  let flushTimer: NodeJS.Immediate | undefined;
  let leaseTimer: NodeJS.Timeout | undefined;
  let running = false;

  const send = (message: DemandMessage): void => {
    try {
      deps.bus.publish(DEMAND_SUBJECT, encodeDemand(message));
    } catch (err) {
      // Only after drain; the next lease (or the ingest's expiry) settles the state.
      (deps.logger ?? silentLogger).debug({ err }, 'demand not sent');
    }
  };

  const flush = (): void => {
    flushTimer = undefined;
    if (pendingAdd.size === 0 && pendingRemove.size === 0) return;
    send({ v: 1, kind: 'delta', owner: deps.owner, add: [...pendingAdd], remove: [...pendingRemove], ts: new Date(now()).toISOString() });
    pendingAdd.clear();
    pendingRemove.clear();
  };

  const sendLease = (): void => {
    flush();
    send({ v: 1, kind: 'lease', owner: deps.owner, tickers: [...current], ttl_ms: deps.leaseTtlMs, ts: new Date(now()).toISOString() });
  };

  const schedule = (): void => {
    if (running) flushTimer ??= setImmediate(flush);
  };

  return {
    add(ticker) {
      current.add(ticker);
      // Removing then re-adding within one turn cancels out.
      if (!pendingRemove.delete(ticker)) pendingAdd.add(ticker);
      schedule();
    },
    remove(ticker) {
      current.delete(ticker);
      if (!pendingAdd.delete(ticker)) pendingRemove.add(ticker);
      schedule();
    },
    set(wanted) {
      for (const ticker of [...current]) if (!wanted.has(ticker)) this.remove(ticker);
      for (const ticker of wanted) if (!current.has(ticker)) this.add(ticker);
    },
    start() {
      if (running) return;
      running = true;
      sendLease();
      leaseTimer = setInterval(sendLease, deps.leaseIntervalMs);
      leaseTimer.unref();
    },
    stop() {
      if (!running) return;
      running = false;
      clearInterval(leaseTimer);
      if (flushTimer !== undefined) clearImmediate(flushTimer);
      pendingAdd.clear();
      pendingRemove.clear();
      if (current.size > 0)
        send({ v: 1, kind: 'delta', owner: deps.owner, add: [], remove: [...current], ts: new Date(now()).toISOString() });
      current.clear();
    },
  };
}
