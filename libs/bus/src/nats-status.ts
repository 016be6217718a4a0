import type { NatsConnection, Status } from 'nats';

const CLOSED: unique symbol = Symbol('closed');

/**
 * Calls `onStatus` for each event of `nc.status()` and resolves once the connection has closed.
 *
 * In nats v2 the iterators returned by `nc.status()` are not stopped when the connection closes,
 * so a plain `for await` would wait forever. The loop therefore also waits on `nc.closed()` and
 * then stops the iterator, which removes it from the connection's listeners.
 */
export async function watchNatsStatus(nc: NatsConnection, onStatus: (status: Status) => void): Promise<void> {
  const statuses = nc.status();
  const iterator = statuses[Symbol.asyncIterator]();
  const closed = nc.closed().then((): typeof CLOSED => CLOSED);
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), closed]);
      if (next === CLOSED || next.done === true) return;
      onStatus(next.value);
    }
  } finally {
    stopIterator(statuses);
  }
}

/** The v2 status iterable (`QueuedIteratorImpl`) has `stop()`; other implementations may not. */
function stopIterator(statuses: AsyncIterable<Status>): void {
  const stop = (statuses as { stop?: unknown }).stop;
  if (typeof stop === 'function') stop.call(statuses);
}
