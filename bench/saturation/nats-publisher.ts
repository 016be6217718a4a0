/**
 * Feeds our edge (child of run.ts, pinned to the client CPU): the same open-loop schedule as
 * the in-process peers, each message a bus envelope on the topic's NATS subject, which the edge
 * turns into the very frame the peers send (payload.ts). It never waits for anything but its
 * schedule: NATS publishes are buffered and flushed by the client.
 */
import { connect } from 'nats';
import { encodeEnvelope, topicToSubject } from '@repo/protocol';
import { readChildConfig } from '../fanout/ipc.js';
import { serveCommands, tellParent } from './ipc.js';
import { BENCH_TOPIC, benchEnvelope } from './payload.js';
import { runSchedule } from './schedule.js';

const { natsUrl } = readChildConfig<{ readonly natsUrl: string }>();
const subject = topicToSubject(BENCH_TOPIC);
const nc = await connect({ servers: natsUrl, name: 'bench-saturation-publisher' });

serveCommands({
  publish: async (spec) => {
    const result = await runSchedule(spec, (seq, sentMs) => nc.publish(subject, encodeEnvelope(benchEnvelope(BENCH_TOPIC, seq, sentMs))));
    await nc.flush();
    return result;
  },
  stats: () => ({ connections: 0, dropped: 0, bufferedBytes: 0, closes: {} }),
});
// Port 0 stands for "ready": this child serves nothing.
await tellParent({ type: 'listening', port: 0 });
