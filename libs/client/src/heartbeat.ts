export interface HeartbeatOptions {
  readonly pingIntervalMs: number;
  readonly silenceTimeoutMs: number;
  readonly sendPing: () => void;
  /** Called once when nothing arrived for `silenceTimeoutMs`; the watch is stopped by then. */
  readonly onSilence: () => void;
  readonly now?: () => number;
}

/**
 * The client side of the heartbeat for one socket at a time: a silence watch (any inbound frame
 * is liveness) from the moment a socket is created, so a handshake that hangs counts too, and the
 * client's own ping once the socket is open. Owns both timers; `stop` clears them.
 */
export class Heartbeat {
  readonly #options: HeartbeatOptions;
  readonly #now: () => number;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #silenceTimer: ReturnType<typeof setTimeout> | undefined;
  #lastInboundAt = 0;

  constructor(options: HeartbeatOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Starts (or restarts) the silence watch from now. */
  watch(): void {
    this.#lastInboundAt = this.#now();
    this.#armSilence(this.#options.silenceTimeoutMs);
  }

  /** Starts the periodic ping (the socket is open). */
  startPinging(): void {
    if (this.#pingTimer !== undefined) clearInterval(this.#pingTimer);
    this.#pingTimer = setInterval(this.#options.sendPing, this.#options.pingIntervalMs);
  }

  /** Records liveness. Cheap on purpose: called for every inbound frame, it only stores the time. */
  touch(): void {
    this.#lastInboundAt = this.#now();
  }

  stop(): void {
    if (this.#pingTimer !== undefined) clearInterval(this.#pingTimer);
    if (this.#silenceTimer !== undefined) clearTimeout(this.#silenceTimer);
    this.#pingTimer = undefined;
    this.#silenceTimer = undefined;
  }

  #armSilence(delayMs: number): void {
    if (this.#silenceTimer !== undefined) clearTimeout(this.#silenceTimer);
    this.#silenceTimer = setTimeout(this.#checkSilence, delayMs);
  }

  // The deadline moves with every frame; rather than re-arming per frame, re-arm for what is left.
  readonly #checkSilence = (): void => {
    this.#silenceTimer = undefined;
    const silentForMs = this.#now() - this.#lastInboundAt;
    if (silentForMs < this.#options.silenceTimeoutMs) {
      // A clock that went backwards waits one full timeout, never longer.
      this.#armSilence(Math.min(this.#options.silenceTimeoutMs, this.#options.silenceTimeoutMs - silentForMs));
      return;
    }
    this.stop();
    this.#options.onSilence();
  };
}
