import { DebugEvents, ErrorCode, Events, NatsError, type NatsConnection, type Status, type Subscription as NatsSubscription } from 'nats';
import type { Bus, BusHandler, BusStatus, Subscription } from './bus.js';
import { BusClosedError } from './errors.js';
import { handlerErrorReporter, silentLogger, type BusLogger, type HandlerErrorReporter } from './logger.js';
import { watchNatsStatus } from './nats-status.js';

export interface NatsBusOptions {
  /** For subscription errors, status-listener failures and, without `onHandlerError`, handler exceptions. @default silent */
  logger?: BusLogger;
  /** Called when a handler throws; the other handlers still get the message. @default logs at error level */
  onHandlerError?: HandlerErrorReporter;
}

/**
 * A bus over core NATS on a connection the caller owns (see `connectNats`). The client
 * resubscribes after a reconnect by itself, and buffers publishes while disconnected.
 * Connection events are logged by `connectNats`, not here.
 */
export function createNatsBus(nc: NatsConnection, opts: NatsBusOptions = {}): Bus {
  return new NatsBus(nc, opts);
}

class NatsBus implements Bus {
  readonly #nc: NatsConnection;
  readonly #logger: BusLogger;
  readonly #reportHandlerError: HandlerErrorReporter;
  readonly #listeners = new Set<(status: BusStatus) => void>();
  /** Ends when the connection closes. */
  readonly #watching: Promise<void>;
  #status: BusStatus;
  #drained: Promise<void> | undefined;

  constructor(nc: NatsConnection, opts: NatsBusOptions) {
    this.#nc = nc;
    this.#logger = opts.logger ?? silentLogger;
    this.#reportHandlerError = handlerErrorReporter(this.#logger, opts.onHandlerError);
    this.#status = nc.isClosed() ? 'closed' : 'connected';
    this.#watching = watchNatsStatus(nc, (s) => this.#onNatsStatus(s))
      .catch((err: unknown) => this.#logger.error({ err }, 'nats status watch failed'))
      .finally(() => this.#setStatus('closed'));
  }

  publish(subject: string, data: Uint8Array): void {
    if (this.#drained !== undefined) throw new BusClosedError();
    try {
      this.#nc.publish(subject, data);
    } catch (err) {
      throw asBusClosed(err);
    }
  }

  subscribe(subject: string, handler: BusHandler): Subscription {
    if (this.#drained !== undefined) throw new BusClosedError();
    let active = true;
    let sub: NatsSubscription;
    try {
      sub = this.#nc.subscribe(subject, {
        // Callback style: the client calls it for each message in order, with no iterator in between.
        callback: (err, msg) => {
          if (err !== null) {
            this.#logger.warn({ err, subject }, 'nats subscription closed with an error');
            return;
          }
          if (!active) return;
          try {
            handler(msg.data, msg.subject);
          } catch (handlerErr) {
            this.#reportHandlerError(handlerErr, subject);
          }
        },
      });
    } catch (err) {
      throw asBusClosed(err);
    }
    return {
      subject,
      unsubscribe: () => {
        if (!active) return;
        active = false;
        sub.unsubscribe();
      },
    };
  }

  async flush(): Promise<void> {
    if (this.#drained !== undefined) throw new BusClosedError();
    try {
      await this.#nc.flush();
    } catch (err) {
      throw asBusClosed(err);
    }
  }

  status(): BusStatus {
    return this.#status;
  }

  onStatus(listener: (status: BusStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  drain(): Promise<void> {
    this.#drained ??= this.#drainOnce();
    return this.#drained;
  }

  async #drainOnce(): Promise<void> {
    const nc = this.#nc;
    if (nc.isDraining()) {
      await nc.closed(); // someone else (the lifecycle) is draining the connection
    } else if (!nc.isClosed()) {
      if (this.#status === 'reconnecting') {
        // Nothing can be delivered while disconnected, and a drain would wait for the server.
        await nc.close();
      } else {
        try {
          await nc.drain();
        } catch (err) {
          if (!isClosedOrDraining(err)) this.#logger.warn({ err }, 'nats drain failed; closing');
          await nc.close();
        }
      }
    }
    this.#setStatus('closed');
    await this.#watching;
  }

  #onNatsStatus(status: Status): void {
    switch (status.type) {
      case Events.Disconnect:
      case DebugEvents.Reconnecting:
        this.#setStatus('reconnecting');
        break;
      case Events.Reconnect:
        this.#setStatus('connected');
        break;
      default:
        break;
    }
  }

  #setStatus(next: BusStatus): void {
    if (this.#status === next || this.#status === 'closed') return;
    this.#status = next;
    for (const listener of [...this.#listeners]) {
      try {
        listener(next);
      } catch (err) {
        this.#logger.error({ err, status: next }, 'bus status listener threw');
      }
    }
  }
}

function isClosedOrDraining(err: unknown): boolean {
  return err instanceof NatsError && (err.code === String(ErrorCode.ConnectionClosed) || err.code === String(ErrorCode.ConnectionDraining));
}

/** The client's "closed" and "draining" errors become `BusClosedError`; anything else is rethrown as is. */
function asBusClosed(err: unknown): unknown {
  return isClosedOrDraining(err) ? new BusClosedError(undefined, { cause: err }) : err;
}
