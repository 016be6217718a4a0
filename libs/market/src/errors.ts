/** Stable codes of `@repo/market` errors; callers branch on `code`, never on the message. */
export const MarketErrorCode = {
  InvalidDate: 'MARKET_INVALID_DATE',
  InvalidInstant: 'MARKET_INVALID_INSTANT',
  InvalidPrice: 'MARKET_INVALID_PRICE',
} as const;
export type MarketErrorCode = (typeof MarketErrorCode)[keyof typeof MarketErrorCode];

/** A KRX rule was asked about an impossible input (a malformed date, a negative price). */
export class MarketError extends Error {
  override readonly name = 'MarketError';
  readonly code: MarketErrorCode;

  constructor(code: MarketErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
