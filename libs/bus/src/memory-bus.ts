import type { Bus, BusHandler, BusStatus, Subscription } from './bus.js';
import { BusClosedError } from './errors.js';
import { handlerErrorReporter, silentLogger, type BusLogger, type HandlerErrorReporter } from './logger.js';

export interface MemoryBusOptions {
  /** Receives status-listener failures and, without `onHandlerError`, handler exceptions. @default silent */
  logger?: BusLogger;
  /** Called when a handler throws; the other handlers still get the message. @default logs at error level */
  onHandlerError?: HandlerErrorReporter;
}

/**
 * A bus inside one process, for unit tests and the standalone mode. Delivery is synchronous: when
 * `publish` returns, every matching handler has run. A publish from inside a handler is queued
 * and delivered after the current message, so each subscription sees messages in publish order.
 * Handlers get the published array itself and must not modify it.
 */
export function createMemoryBus(opts: MemoryBusOptions = {}): Bus {
  return new MemoryBus(opts);
}

interface Entry {
  readonly subject: string;
  /** The subject's tokens when it has a wildcard; null for an exact subject. */
  readonly pattern: readonly string[] | null;
  readonly handler: BusHandler;
  active: boolean;
}

interface Queued {
  readonly subject: string;
  readonly data: Uint8Array;
}

class MemoryBus implements Bus {
  readonly #exact = new Map<string, Set<Entry>>();
  readonly #wildcard = new Set<Entry>();
  readonly #listeners = new Set<(status: BusStatus) => void>();
  readonly #logger: BusLogger;
  readonly #reportHandlerError: HandlerErrorReporter;
  #queue: Queued[] = [];
  #dispatching = false;
  #status: BusStatus = 'connected';

  constructor(opts: MemoryBusOptions) {
    this.#logger = opts.logger ?? silentLogger;
    this.#reportHandlerError = handlerErrorReporter(this.#logger, opts.onHandlerError);
  }

  publish(subject: string, data: Uint8Array): void {
    this.#assertOpen();
    assertPublishSubject(subject);
    if (this.#dispatching) {
      // Called from a handler: the caller may reuse its buffer before we get to it.
      this.#queue.push({ subject, data: data.slice() });
      return;
    }
    this.#queue.push({ subject, data });
    this.#dispatch();
  }

  subscribe(subject: string, handler: BusHandler): Subscription {
    this.#assertOpen();
    const pattern = parseSubscribeSubject(subject);
    const entry: Entry = { subject, pattern, handler, active: true };
    if (pattern === null) {
      let set = this.#exact.get(subject);
      if (set === undefined) this.#exact.set(subject, (set = new Set()));
      set.add(entry);
    } else {
      this.#wildcard.add(entry);
    }
    return { subject, unsubscribe: () => this.#remove(entry) };
  }

  async flush(): Promise<void> {
    this.#assertOpen();
  }

  status(): BusStatus {
    return this.#status;
  }

  onStatus(listener: (status: BusStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async drain(): Promise<void> {
    if (this.#status === 'closed') return;
    this.#status = 'closed';
    // While dispatching, the loop delivers what is queued and then drops the subscriptions.
    if (!this.#dispatching) this.#dropSubscriptions();
    for (const listener of [...this.#listeners]) {
      try {
        listener('closed');
      } catch (err) {
        this.#logger.error({ err }, 'bus status listener threw');
      }
    }
  }

  #dispatch(): void {
    this.#dispatching = true;
    try {
      // The queue grows while handlers publish; an index avoids shifting the array.
      for (let i = 0; i < this.#queue.length; i++) {
        const message = this.#queue[i];
        if (message !== undefined) this.#deliver(message.subject, message.data);
      }
    } finally {
      this.#queue = [];
      this.#dispatching = false;
    }
    if (this.#status === 'closed') this.#dropSubscriptions();
  }

  #deliver(subject: string, data: Uint8Array): void {
    // A snapshot: a subscription made by a handler starts with the next message, as in NATS.
    const targets: Entry[] = [];
    const exact = this.#exact.get(subject);
    if (exact !== undefined) for (const entry of exact) targets.push(entry);
    if (this.#wildcard.size > 0) {
      const tokens = subject.split('.');
      for (const entry of this.#wildcard) {
        if (entry.pattern !== null && matches(entry.pattern, tokens)) targets.push(entry);
      }
    }
    for (const entry of targets) {
      if (!entry.active) continue; // unsubscribed by an earlier handler of this message
      try {
        entry.handler(data, subject);
      } catch (err) {
        this.#reportHandlerError(err, entry.subject);
      }
    }
  }

  #remove(entry: Entry): void {
    if (!entry.active) return;
    entry.active = false;
    if (entry.pattern !== null) {
      this.#wildcard.delete(entry);
      return;
    }
    const set = this.#exact.get(entry.subject);
    set?.delete(entry);
    if (set?.size === 0) this.#exact.delete(entry.subject);
  }

  #dropSubscriptions(): void {
    for (const set of this.#exact.values()) for (const entry of set) entry.active = false;
    for (const entry of this.#wildcard) entry.active = false;
    this.#exact.clear();
    this.#wildcard.clear();
  }

  #assertOpen(): void {
    if (this.#status === 'closed') throw new BusClosedError();
  }
}

/** True when the subscription tokens `pattern` (with `*` and `>`) match the subject `tokens`. */
function matches(pattern: readonly string[], tokens: readonly string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p === '>') return tokens.length > i;
    if (i >= tokens.length) return false;
    if (p !== '*' && p !== tokens[i]) return false;
  }
  return pattern.length === tokens.length;
}

function assertPublishSubject(subject: string): void {
  for (const token of tokensOf(subject)) {
    if (token === '*' || token === '>') throw new TypeError(`publish subject has a wildcard: ${JSON.stringify(subject)}`);
  }
}

/** Validates a subscribe subject; returns its tokens when it has a wildcard, else null. */
function parseSubscribeSubject(subject: string): readonly string[] | null {
  const tokens = tokensOf(subject);
  let wildcard = false;
  tokens.forEach((token, i) => {
    if (token === '>' && i !== tokens.length - 1) throw new TypeError(`'>' must be the last token: ${JSON.stringify(subject)}`);
    if (token === '*' || token === '>') wildcard = true;
  });
  return wildcard ? tokens : null;
}

function tokensOf(subject: string): string[] {
  const tokens = subject.split('.');
  if (subject.length === 0 || /\s/.test(subject) || tokens.some((t) => t.length === 0)) {
    throw new TypeError(`invalid subject: ${JSON.stringify(subject)}`);
  }
  return tokens;
}
