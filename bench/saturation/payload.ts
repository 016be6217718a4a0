/**
 * The one payload every server sends: our edge's `price_update` frame, built with the protocol
 * library's own encoder so the peers send byte-for-byte what the edge would (same fields, same
 * order, same size). `data.sent_ms` is the publish time in fractional wall-clock ms; `seq` counts
 * per topic, so clients see gaps.
 */
import { fanoutFrame, makeEnvelope, type PriceData, type PriceUpdate } from '@repo/protocol';

/** The single topic of every saturation scenario. */
export const BENCH_TOPIC = 'price:900000';
const SOURCE = 'bench-saturation';

interface BenchPriceData extends PriceData {
  readonly sent_ms: number;
}

/** The bus message the edge's publisher sends (the edge turns it into `priceFrame`'s text). */
export function benchEnvelope(topic: string, seq: number, sentMs: number): ReturnType<typeof makeEnvelope> {
  // A price that moves with seq, so consecutive frames differ like real ticks; sizes stay nearly constant.
  const price = 70_000 + (seq % 100);
  const data: BenchPriceData = {
    price,
    change: 100,
    change_rate: 0.14,
    volume: 1_000 + seq,
    bid_price: price - 100,
    ask_price: price + 100,
    sent_ms: sentMs,
  };
  const stamp = new Date(sentMs);
  const update: PriceUpdate = {
    type: 'price_update',
    ticker: topic.replace(/^price:/, ''),
    source: 'kiwoom_rest',
    timestamp: stamp.toISOString(),
    data,
  };
  return makeEnvelope(topic, seq, SOURCE, update, stamp);
}

/** The frame text a client receives: what the edge makes of `benchEnvelope`. */
export function priceFrame(topic: string, seq: number, sentMs: number): string {
  return fanoutFrame(benchEnvelope(topic, seq, sentMs));
}
