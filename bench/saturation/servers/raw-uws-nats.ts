/**
 * The bare uWS app fed like our edge: the NATS publisher (nats-publisher.ts, on the client CPU)
 * sends each bus envelope through a real nats-server, and this process decodes it, builds the
 * frame and calls `app.publish` once, which is all the edge does per message besides its own
 * bookkeeping. Against `raw-uws` it prices the bus hop; against `edge`, the edge's own code.
 *
 * It also times the hop itself, publisher's send to this process's callback (both clocks are
 * this machine's wall clock), and reports its p50/p99 per step in the stats' `extra`.
 */
import { connect } from 'nats';
import { decodeEnvelope, fanoutFrame, topicToSubject } from '@repo/protocol';
import { wallNowMs } from '../../fanout/ipc.js';
import { readChildConfig } from '../../fanout/ipc.js';
import { serveCommands } from '../ipc.js';
import { BENCH_TOPIC } from '../payload.js';
import { startBareApp } from './bare-uws.js';

/** Hop times kept between two stats requests (one step); older ones are overwritten. */
const MAX_HOPS = 200_000;

const { natsUrl } = readChildConfig<{ readonly natsUrl: string }>();
const { publish, stats } = startBareApp();
const hops = new Float64Array(MAX_HOPS);
let hopCount = 0;

const nc = await connect({ servers: natsUrl, name: 'bench-saturation-raw-uws-nats' });
nc.subscribe(topicToSubject(BENCH_TOPIC), {
  callback: (err, msg) => {
    if (err !== null) throw err;
    const envelope = decodeEnvelope(msg.data);
    const sentMs = (envelope.data as unknown as { readonly data: { readonly sent_ms: number } }).data.sent_ms;
    hops[hopCount % MAX_HOPS] = wallNowMs() - sentMs;
    hopCount += 1;
    publish(fanoutFrame(envelope));
  },
});

function hopPercentiles(): Record<string, number> {
  const sorted = hops.slice(0, Math.min(hopCount, MAX_HOPS)).sort();
  hopCount = 0;
  const at = (q: number): number =>
    sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)] ?? Number.NaN);
  return { busHopP50Ms: at(0.5), busHopP99Ms: at(0.99) };
}

serveCommands({
  // The messages come from the NATS publisher; this process never publishes on a schedule.
  publish: () => Promise.reject(new Error('raw-uws-nats is fed through NATS, not by a publish command')),
  stats: () => ({ ...stats(), extra: hopPercentiles() }),
});
