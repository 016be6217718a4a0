import { connect, DebugEvents, Events, type NatsConnection, type ServersChanged, type Status } from 'nats';
import type { BusLogger } from './logger.js';
import { watchNatsStatus } from './nats-status.js';
import { createReconnectBackoff, type ReconnectBackoff } from './reconnect-backoff.js';

export const DEFAULT_RECONNECT_TIME_WAIT_MS = 250;
/**
 * NATS is in-cluster and cheap to dial: with full jitter and a 1 s cap, a fleet reconnects within
 * about a second of the server's return (the fault table's "flow resumes ≤ 2 s"), at an average
 * of one dial per 0.5 s per client while it is away.
 */
export const DEFAULT_MAX_RECONNECT_TIME_WAIT_MS = 1_000;
/** With `DEFAULT_MAX_PING_OUT`, a silent server is noticed within about 4–6 s. */
export const DEFAULT_PING_INTERVAL_MS = 2_000;
export const DEFAULT_MAX_PING_OUT = 2;

export interface ConnectNatsOptions {
  logger: BusLogger;
  /** Shown by the server's monitoring pages. */
  name?: string;
  /** Ceiling of the first reconnect delay; it doubles per failed attempt. @default 500 */
  reconnectTimeWaitMs?: number;
  /** Cap of the reconnect delay. @default 10_000 */
  maxReconnectTimeWaitMs?: number;
  /** Client pings; a server that misses `maxPingOut` in a row is treated as gone. @default 2_000 */
  pingIntervalMs?: number;
  /** @default 2 */
  maxPingOut?: number;
}

/**
 * Opens the NATS connection a service uses for its whole life. Waits until the first connection
 * succeeds, then reconnects forever with capped, jittered backoff. Connection events are logged
 * one line each, until the connection closes. Only `main.ts` files call this.
 */
export async function connectNats(url: string | string[], opts: ConnectNatsOptions): Promise<NatsConnection> {
  const { logger } = opts;
  const servers = typeof url === 'string' ? url : [...url];
  const backoff = createReconnectBackoff({
    baseMs: opts.reconnectTimeWaitMs ?? DEFAULT_RECONNECT_TIME_WAIT_MS,
    maxMs: Math.max(opts.maxReconnectTimeWaitMs ?? DEFAULT_MAX_RECONNECT_TIME_WAIT_MS, opts.reconnectTimeWaitMs ?? 0),
  });
  logger.info({ servers }, 'connecting to nats');
  const nc = await connect({
    servers,
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    maxReconnectAttempts: -1,
    waitOnFirstConnect: true,
    reconnectDelayHandler: () => backoff.next(),
    pingInterval: opts.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
    maxPingOut: opts.maxPingOut ?? DEFAULT_MAX_PING_OUT,
  });
  backoff.reset();
  logger.info({ server: nc.getServer() }, 'nats connected');
  void logConnectionEvents(nc, logger, backoff);
  return nc;
}

/** Ends when the connection closes. */
async function logConnectionEvents(nc: NatsConnection, logger: BusLogger, backoff: ReconnectBackoff): Promise<void> {
  try {
    await watchNatsStatus(nc, (status) => logStatus(status, logger, backoff));
  } catch (err) {
    logger.error({ err }, 'nats status watch failed');
  }
  const err = await nc.closed();
  if (err instanceof Error) logger.error({ err }, 'nats connection closed with an error');
  else logger.info({}, 'nats connection closed');
}

function logStatus(status: Status, logger: BusLogger, backoff: ReconnectBackoff): void {
  switch (status.type) {
    case Events.Disconnect:
      logger.warn({ server: status.data }, 'nats disconnected');
      break;
    case Events.Reconnect:
      backoff.reset();
      logger.info({ server: status.data }, 'nats reconnected');
      break;
    case DebugEvents.Reconnecting:
      logger.debug({ server: status.data }, 'nats reconnect attempt');
      break;
    case DebugEvents.StaleConnection:
      logger.warn({}, 'nats server stopped answering pings');
      break;
    case Events.LDM:
      logger.warn({ server: status.data }, 'nats server entering lame duck mode');
      break;
    case Events.Error:
      logger.error({ code: status.data, permission: status.permissionContext }, 'nats server reported an error');
      break;
    case Events.Update: {
      const { added, deleted } = status.data as ServersChanged;
      logger.info({ added, deleted }, 'nats server list changed');
      break;
    }
    case DebugEvents.ClientInitiatedReconnect:
      logger.info({}, 'nats client initiated reconnect');
      break;
    case DebugEvents.PingTimer:
      break; // every ping interval: not worth a line
  }
}
