import { once } from 'node:events';
import { Redis } from 'ioredis';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { startRedis } from '../../../test/fixtures/redis.js';
import { subscribeLegacyRelay, type LegacyRelayInvalidReason, type LegacyRelayPayload } from '../src/redis-relay.js';
import { randomPrefix, recorder } from './recorder.js';

async function openRedis(url = inject('redisUrl')): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true });
  onTestFinished(() => void redis.disconnect());
  await redis.connect();
  return redis;
}

/** A relay on its own connection, on a channel prefix no other test uses. */
async function setup() {
  const subscriber = await openRedis();
  const publisher = await openRedis();
  const prefix = `${randomPrefix()}:ws:broadcast:`;
  const delivered = recorder<{ topic: string; payload: LegacyRelayPayload }>();
  const invalid = recorder<LegacyRelayInvalidReason>();
  const relay = await subscribeLegacyRelay(subscriber, (topic, payload) => delivered.push({ topic, payload }), {
    channelPrefix: prefix,
    onInvalid: (reason) => invalid.push(reason),
  });
  onTestFinished(() => relay.close());
  return { subscriber, publisher, prefix, delivered, invalid, relay };
}

describe('subscribeLegacyRelay', () => {
  it('delivers valid messages by topic and reports each invalid one', async () => {
    const { publisher, prefix, delivered, invalid } = await setup();
    const gate = { type: 'market_gate_update', data: { score: 62 } };

    await publisher.publish(`${prefix}market-gate`, JSON.stringify(gate));
    await publisher.publish(prefix, JSON.stringify(gate));
    await publisher.publish(`${prefix}bogus`, JSON.stringify(gate));
    await publisher.publish(`${prefix}price:005930`, '{not json');
    await publisher.publish(`${prefix}price:005930`, '[1,2]');
    await publisher.publish(`${prefix}price:005930`, '"a string"');
    await publisher.publish(`${prefix}price:005930`, '{"data":1}');
    await publisher.publish(`${prefix}signal:vcp`, '{"type":"signal_update","data":[]}');

    await delivered.waitForCount(2, { what: 'relayed messages' });
    expect(delivered.values).toEqual([
      { topic: 'market-gate', payload: gate },
      { topic: 'signal:vcp', payload: { type: 'signal_update', data: [] } },
    ]);
    expect(invalid.values).toEqual(['invalid_topic', 'invalid_topic', 'invalid_json', 'not_object', 'not_object', 'not_object']);
  });

  it('uses the seed prefix ws:broadcast: by default', async () => {
    // Its own server: the seed channels of the shared one belong to whoever else is testing.
    const server = await startRedis();
    onTestFinished(() => server.stop());
    const subscriber = await openRedis(server.url);
    const publisher = await openRedis(server.url);
    const delivered = recorder<string>();
    const relay = await subscribeLegacyRelay(subscriber, (topic) => delivered.push(topic));
    onTestFinished(() => relay.close());

    await publisher.publish('ws:broadcast:market-gate', '{"type":"market_gate_update"}');

    await delivered.waitForCount(1);
    expect(delivered.values).toEqual(['market-gate']);
  });

  it('keeps relaying after the connection drops and ioredis resubscribes', async () => {
    const { subscriber, publisher, prefix, delivered } = await setup();

    subscriber.disconnect(true);
    await once(subscriber, 'ready');
    await subscriber.ping(); // answered after the PSUBSCRIBE that ioredis sent on 'ready'
    await publisher.publish(`${prefix}market-gate`, '{"type":"market_gate_update"}');

    await delivered.waitForCount(1);
    expect(delivered.values).toEqual([{ topic: 'market-gate', payload: { type: 'market_gate_update' } }]);
  });

  it('stops relaying after close', async () => {
    const { publisher, prefix, delivered, relay } = await setup();

    await relay.close();
    await relay.close();

    expect(await publisher.publish(`${prefix}market-gate`, '{"type":"x"}')).toBe(0);
    expect(delivered.values).toEqual([]);
  });
});
