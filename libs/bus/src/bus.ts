/**
 * The message bus between producers and edges. Implementations: `NatsBus` (core NATS over a
 * connection the caller owns) and `MemoryBus` (one process). Both pass `test/bus.contract.ts`.
 */

export type BusStatus = 'connected' | 'reconnecting' | 'closed';

/** Called for each message on a subscribed subject; `subject` is the concrete subject. */
export type BusHandler = (data: Uint8Array, subject: string) => void;

export interface Subscription {
  readonly subject: string;
  /** Stops delivery; idempotent. */
  unsubscribe(): void;
}

export interface Bus {
  /**
   * Publishes to a subject (NATS syntax, no wildcards). Fire-and-forget: while disconnected a
   * NATS client buffers, a memory bus delivers synchronously. Throws `BusClosedError` after drain.
   */
  publish(subject: string, data: Uint8Array): void;
  /** Subscribes to a subject, which may use the NATS wildcards `*` (one token) and `>` (the rest). */
  subscribe(subject: string, handler: BusHandler): Subscription;
  /** Resolves when the server has seen everything published so far (round trip). */
  flush(): Promise<void>;
  /** The connection state now. */
  status(): BusStatus;
  /** Registers a status listener; returns a function that removes it. */
  onStatus(listener: (status: BusStatus) => void): () => void;
  /** Delivers what is in flight, then closes; idempotent. */
  drain(): Promise<void>;
}
