/** Stable codes of `@repo/signals` errors; callers branch on `code`, never on the message. */
export const SignalsErrorCode = {
  /** A config override names an unknown key or carries a value of the wrong type. */
  InvalidConfig: 'SIGNALS_INVALID_CONFIG',
  /** Bars are not oldest first with strictly increasing `YYYY-MM-DD` dates. */
  InvalidBars: 'SIGNALS_INVALID_BARS',
} as const;
export type SignalsErrorCode = (typeof SignalsErrorCode)[keyof typeof SignalsErrorCode];

/**
 * A programmer error in what the caller passed in. Data that merely fails a rule (too short, not a
 * setup) is not an error: it comes back as a `null` signal with reasons.
 */
export class SignalsError extends Error {
  override readonly name = 'SignalsError';
  readonly code: SignalsErrorCode;

  constructor(code: SignalsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
