import type { Bus, Subscription } from '@repo/bus';
import type { Logger } from '@repo/observability';
import { DEMAND_SUBJECT, decodeDemand } from '@repo/protocol';

/**
 * The union of the tickers every owner (edge, signal engine) demands on `ctl.demand`, plus the
 * configured watch list. Each owner's set lives until its lease expires; a delta changes it at
 * once. An owner that stops renewing is forgotten after its TTL, so polling follows real demand.
 */
export interface DemandTracker {
  start(): void;
  stop(): void;
  /** The tickers to poll now (watch list first, then demand, without duplicates). */
  tickers(): string[];
  /** Owners currently holding a lease (for metrics). */
  ownerCount(): number;
}

export interface DemandTrackerDeps {
  readonly bus: Bus;
  readonly watchList: readonly string[];
  readonly logger: Logger;
  /** Owners kept at most; a flood of fake owners cannot grow the map without bound. */
  readonly maxOwners?: number;
  /** TTL given to an owner seen only through deltas so far. */
  readonly defaultTtlMs?: number;
  readonly now?: () => number;
  readonly onInvalid?: () => void;
}

interface OwnerDemand {
  readonly tickers: Set<string>;
  expiresAtMs: number;
}

export function createDemandTracker(deps: DemandTrackerDeps): DemandTracker {
  const now = deps.now ?? Date.now;
  const maxOwners = deps.maxOwners ?? 1_000;
  const defaultTtlMs = deps.defaultTtlMs ?? 30_000;
  const owners = new Map<string, OwnerDemand>();
  let subscription: Subscription | undefined;

  const expire = (): void => {
    const t = now();
    for (const [owner, demand] of owners) {
      if (demand.expiresAtMs <= t) {
        owners.delete(owner);
        deps.logger.info({ owner, tickers: demand.tickers.size }, 'demand lease expired');
      }
    }
  };

  const ownerEntry = (owner: string, ttlMs: number): OwnerDemand | undefined => {
    let entry = owners.get(owner);
    if (entry === undefined) {
      expire();
      if (owners.size >= maxOwners) {
        deps.logger.warn({ owner, maxOwners }, 'demand owner refused: too many owners');
        return undefined;
      }
      entry = { tickers: new Set(), expiresAtMs: now() + ttlMs };
      owners.set(owner, entry);
    }
    return entry;
  };

  const onMessage = (data: Uint8Array): void => {
    let message;
    try {
      message = decodeDemand(data);
    } catch (err) {
      deps.onInvalid?.();
      deps.logger.debug({ err }, 'invalid demand message dropped');
      return;
    }
    if (message.kind === 'lease') {
      const entry = ownerEntry(message.owner, message.ttl_ms);
      if (entry === undefined) return;
      entry.tickers.clear();
      for (const t of message.tickers) entry.tickers.add(t);
      entry.expiresAtMs = now() + message.ttl_ms;
    } else {
      const entry = ownerEntry(message.owner, defaultTtlMs);
      if (entry === undefined) return;
      for (const t of message.add) entry.tickers.add(t);
      for (const t of message.remove) entry.tickers.delete(t);
    }
  };

  return {
    start() {
      subscription ??= deps.bus.subscribe(DEMAND_SUBJECT, onMessage);
    },
    stop() {
      subscription?.unsubscribe();
      subscription = undefined;
      owners.clear();
    },
    tickers() {
      expire();
      const all = new Set(deps.watchList);
      for (const demand of owners.values()) for (const t of demand.tickers) all.add(t);
      return [...all];
    },
    ownerCount() {
      expire();
      return owners.size;
    },
  };
}
