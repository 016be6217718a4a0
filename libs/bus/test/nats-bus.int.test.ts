import { connect } from 'nats';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { waitFor } from '../../../test/fixtures/wait-for.js';
import { connectNats } from '../src/connect-nats.js';
import { createNatsBus } from '../src/nats-bus.js';
import type { BusStatus } from '../src/bus.js';
import { describeBusContract } from './bus.contract.js';
import { recordingLogger } from './log-sink.js';
import { randomPrefix, recorder } from './recorder.js';

describeBusContract('NatsBus', async (opts) => {
  const nc = await connectNats(inject('natsUrl'), { logger: recordingLogger().logger });
  onTestFinished(() => nc.close());
  const bus = createNatsBus(nc, opts);
  return { bus, cleanup: () => bus.drain() };
});

describe('NatsBus', () => {
  it('reports closed when the owner closes the connection', async () => {
    const nc = await connect({ servers: inject('natsUrl') });
    onTestFinished(() => nc.close());
    const bus = createNatsBus(nc);
    const statuses = recorder<BusStatus>();
    bus.onStatus((s) => statuses.push(s));

    await nc.close();

    await statuses.waitForCount(1);
    expect(statuses.values).toEqual(['closed']);
    expect(bus.status()).toBe('closed');
    await bus.drain(); // safe on a closed connection
  });

  it('waits for a drain someone else started', async () => {
    const nc = await connect({ servers: inject('natsUrl') });
    onTestFinished(() => nc.close());
    const bus = createNatsBus(nc);
    const p = randomPrefix();
    const got = recorder<string>();
    bus.subscribe(`${p}.a`, (data) => got.push(new TextDecoder().decode(data)));
    await bus.flush();
    bus.publish(`${p}.a`, new TextEncoder().encode('in flight'));

    const draining = nc.drain();
    await bus.drain();
    await draining;

    expect(nc.isClosed()).toBe(true);
    expect(bus.status()).toBe('closed');
    expect(got.values).toEqual(['in flight']);
  });

  it('logs one line when the connection opens and one when it closes', async () => {
    const { logger, lines } = recordingLogger();
    const nc = await connectNats(inject('natsUrl'), { logger, name: 'bus-test' });
    onTestFinished(() => nc.close());

    await nc.close();

    await waitFor('the closed line', () => lines.some((l) => l.msg === 'nats connection closed'), { timeoutMs: 5_000 });
    expect(lines.map((l) => `${l.level} ${l.msg}`)).toEqual([
      'info connecting to nats',
      'info nats connected',
      'info nats connection closed',
    ]);
  });
});
