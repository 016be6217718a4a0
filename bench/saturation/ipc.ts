/**
 * Messages between the orchestrator (run.ts) and its Node children: the three peer servers,
 * which publish in-process, and the NATS publisher that feeds our edge. All four take the same
 * `publish` command, so a step drives every server kind the same way. Checked with
 * bench/fanout/ipc.ts `isMessage` on arrival.
 */
import { isMessage } from '../fanout/ipc.js';

/**
 * One step's open-loop schedule: message i (0-based) is due at startMs + i * 1000 / rate and
 * carries seq firstSeq + i. The first warmupCount messages are warm-up, the next windowCount
 * are measured. Counting whole messages (not seconds) makes the window's seq range exact.
 */
export interface ScheduleSpec {
  readonly rate: number;
  /** Wall-clock ms (performance.timeOrigin + performance.now()). */
  readonly startMs: number;
  readonly warmupCount: number;
  readonly windowCount: number;
  readonly firstSeq: number;
}

export interface ScheduleResult {
  readonly published: number;
  /** Measured messages actually sent (fewer when the publisher gave up behind schedule). */
  readonly publishedInWindow: number;
  /** How late the measured messages went out against their due time. */
  readonly lagP99Ms: number;
  readonly maxLagMs: number;
}

/** What a server knows about its own clients (peers report it over IPC, the edge on /metrics). */
export interface ServerStats {
  readonly connections: number;
  /** Messages the server discarded for slow clients (uWS backpressure limit); 0 where it never drops. */
  readonly dropped: number;
  /** Bytes queued in user space for clients, where the server exposes it (ws). */
  readonly bufferedBytes: number;
  /** Connections closed so far, by close code where known. */
  readonly closes: Readonly<Record<string, number>>;
  /** Server-specific numbers (raw-uws-nats: the bus hop's percentiles over the step). */
  readonly extra?: Readonly<Record<string, number>>;
}

export type ToChild = { readonly type: 'publish'; readonly spec: ScheduleSpec } | { readonly type: 'stats' };

export type Listening = { readonly type: 'listening'; readonly port: number };
export type Published = { readonly type: 'published'; readonly result: ScheduleResult };
export type StatsReply = { readonly type: 'stats'; readonly stats: ServerStats };
export type FromChild = Listening | Published | StatsReply;

/** Sends to the orchestrator; resolves once the message is handed to the channel. */
export function tellParent(message: FromChild): Promise<void> {
  const send = process.send?.bind(process);
  if (send === undefined) return Promise.reject(new Error('no IPC channel: start this via bench/saturation/run.ts'));
  return new Promise((resolve, reject) => {
    send(message, undefined, undefined, (err: Error | null) => (err === null ? resolve() : reject(err)));
  });
}

/**
 * Answers the orchestrator's commands in a child: `publish` runs the schedule with `publishOne`,
 * `stats` asks `stats`. The child exits when the orchestrator goes away.
 */
export function serveCommands(handlers: {
  readonly publish: (spec: ScheduleSpec) => Promise<ScheduleResult>;
  readonly stats: () => ServerStats;
}): void {
  process.on('message', (message: unknown) => {
    if (isMessage<Extract<ToChild, { type: 'publish' }>>(message, 'publish')) {
      void handlers.publish(message.spec).then((result) => tellParent({ type: 'published', result }));
    } else if (isMessage<ToChild>(message, 'stats')) {
      void tellParent({ type: 'stats', stats: handlers.stats() });
    }
  });
  process.on('disconnect', () => process.exit(0));
}
