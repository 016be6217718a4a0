/** Stable codes of protocol errors; they appear as `code` in client error frames. */
export const ProtocolErrorCode = {
  BadFrame: 'BAD_FRAME',
  InvalidTopic: 'INVALID_TOPIC',
  UnknownType: 'UNKNOWN_TYPE',
  BadEnvelope: 'BAD_ENVELOPE',
} as const;
export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

/** A frame or bus payload that does not follow protocol v1. */
export class ProtocolDecodeError extends Error {
  override readonly name = 'ProtocolDecodeError';
  readonly code: ProtocolErrorCode;

  constructor(code: ProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
