/**
 * Close codes the edge sends. Every close carries a code and a short reason, and only the
 * normal close (1000) tells the existing frontend not to reconnect.
 */
export const CloseCode = {
  /** A normal close the client asked for. */
  Normal: 1000,
  /** The process is shutting down without a drain; reconnect after a delay. */
  GoingAway: 1001,
  /** Sustained garbage (malformed, binary or unknown frames over the configured rate). */
  PolicyViolation: 1008,
  /** A frame larger than the configured maximum. */
  MessageTooBig: 1009,
  /** The edge is draining for a restart; reconnect (to another edge). */
  ServiceRestart: 1012,
  /** The client could not keep up with its send buffer (slow consumer); reconnect later. */
  TryAgainLater: 1013,
  /** No inbound frame for the idle timeout: the heartbeat reaper closed it. */
  IdleTimeout: 4000,
  /** The client's token expired (authentication on): refresh it and reconnect. */
  TokenExpired: 4001,
  /** The client sent frames faster than EDGE_MAX_MESSAGES_PER_SECOND beyond its burst. */
  RateLimited: 4002,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Short reasons sent with each code (a close reason must fit in 123 bytes). */
export const CLOSE_REASONS: Readonly<Record<CloseCode, string>> = {
  [CloseCode.Normal]: 'normal closure',
  [CloseCode.GoingAway]: 'server going away',
  [CloseCode.PolicyViolation]: 'too many invalid frames',
  [CloseCode.MessageTooBig]: 'frame too large',
  [CloseCode.ServiceRestart]: 'server restarting, reconnect',
  [CloseCode.TryAgainLater]: 'slow consumer, reconnect later',
  [CloseCode.IdleTimeout]: 'idle timeout',
  [CloseCode.TokenExpired]: 'token expired',
  [CloseCode.RateLimited]: 'too many messages',
};
