/** Publishing or subscribing on a bus that was drained or closed. */
export class BusClosedError extends Error {
  override readonly name = 'BusClosedError';
  readonly code = 'BUS_CLOSED';

  constructor(message = 'bus is closed', options?: { cause?: unknown }) {
    super(message, options);
  }
}
