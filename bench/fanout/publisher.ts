/**
 * Open-loop publisher (child of run.ts, pinned to the client CPU). Message i is due at
 * startMs + i * 1000 / rate on topic i % topics, whatever the edge does: it never waits for
 * receipt, so a slow edge shows up as latency instead of being hidden by a slower send rate.
 * Each price_update carries its publish time twice: ISO `timestamp` (protocol shape) and
 * `data.sent_ms` (fractional ms), which the load generators subtract from their receive time.
 */
import { connect } from 'nats';
import { encodeEnvelope, makeEnvelope, topicToSubject, type PriceData, type PriceUpdate } from '@repo/protocol';
import { isMessage, readChildConfig, sendToParent, wallNowMs, type PublisherConfig, type ToPublisher } from './ipc.js';

interface BenchPriceData extends PriceData {
  readonly sent_ms: number;
}

const config = readChildConfig<PublisherConfig>();
const subjects = config.topics.map((t) => topicToSubject(t));
const nc = await connect({ servers: config.natsUrl, name: 'bench-publisher' });
await sendToParent({ type: 'connected' });

process.on('message', (message: unknown) => {
  if (isMessage<ToPublisher>(message, 'go')) void publish(message).then(() => process.exit(0));
});
// The orchestrator going away closes the channel: stop rather than publish forever.
process.on('disconnect', () => process.exit(0));

async function publish({ startMs, window }: ToPublisher): Promise<void> {
  const topicCount = config.topics.length;
  const seqs = new Array<number>(topicCount).fill(0);
  const inWindow = new Array<number>(topicCount).fill(0);
  const intervalMs = 1000 / config.rate;
  let i = 0;
  let maxLagMs = 0;
  let lateOver5Ms = 0;
  for (;;) {
    const dueMs = startMs + i * intervalMs;
    if (dueMs >= window.endMs) break;
    const now = wallNowMs();
    if (now < dueMs) {
      // setTimeout has ~1 ms granularity; at most one timer per due message.
      await sleep(dueMs - now);
      continue;
    }
    const lag = now - dueMs;
    if (lag > maxLagMs) maxLagMs = lag;
    if (lag > 5) lateOver5Ms += 1;
    const t = i % topicCount;
    const topic = config.topics[t] ?? '';
    const seq = (seqs[t] ?? 0) + 1;
    seqs[t] = seq;
    const sentMs = wallNowMs();
    const data: BenchPriceData = {
      price: 70_000 + (seq % 100),
      change: 100,
      change_rate: 0.14,
      volume: 1_000 + seq,
      bid_price: 69_900,
      ask_price: 70_100,
      sent_ms: sentMs,
    };
    const payload: PriceUpdate = {
      type: 'price_update',
      ticker: topic.slice('price:'.length),
      data,
      timestamp: new Date(sentMs).toISOString(),
      source: 'kiwoom_rest',
    };
    nc.publish(subjects[t] ?? '', encodeEnvelope(makeEnvelope(topic, seq, 'bench-publisher', payload, new Date(sentMs))));
    if (sentMs >= window.startMs && sentMs < window.endMs) inWindow[t] = (inWindow[t] ?? 0) + 1;
    i += 1;
  }
  await nc.flush();
  await sendToParent({ type: 'done', publishedInWindow: inWindow, publishedTotal: i, maxLagMs, lateOver5Ms });
  await nc.close();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
