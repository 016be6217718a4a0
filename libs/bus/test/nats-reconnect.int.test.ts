import { createServer } from 'node:net';
import { connect } from 'nats';
import { describe, expect, it, onTestFinished } from 'vitest';
import { freePort } from '../../../test/fixtures/free-port.js';
import { startNats, type NatsServer } from '../../../test/fixtures/nats.js';
import type { BusStatus } from '../src/bus.js';
import { connectNats } from '../src/connect-nats.js';
import { createNatsBus } from '../src/nats-bus.js';
import { recordingLogger } from './log-sink.js';
import { randomPrefix, recorder } from './recorder.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

describe('connectNats + NatsBus across a server restart', () => {
  it.each([
    { where: 'on the same port', restart: restartOnSamePort },
    { where: 'on the next address of its list', restart: (_old: number, spare: number) => startNats({ port: spare }) },
  ])(
    'reports reconnecting, then connected, and the old subscription gets new messages, with the server back $where',
    { timeout: 30_000 },
    async ({ restart }) => {
      const first = await startNats();
      onTestFinished(() => first.stop('SIGKILL'));
      // A port whose server closed connections may not be bindable again for a while, so the client
      // also knows a second address, where a replacement can start if the first port is stuck.
      const sparePort = await freePort();
      const { logger, lines } = recordingLogger();
      const nc = await connectNats([first.url, `nats://127.0.0.1:${sparePort}`], {
        logger,
        reconnectTimeWaitMs: 50,
        maxReconnectTimeWaitMs: 200,
      });
      onTestFinished(() => nc.close());
      const bus = createNatsBus(nc, { logger });
      const statuses = recorder<BusStatus>();
      bus.onStatus((s) => statuses.push(s));
      const subject = `${randomPrefix()}.price.005930`;
      const got = recorder<string>();
      bus.subscribe(subject, (data) => got.push(decoder.decode(data)));
      await bus.flush();
      bus.publish(subject, encoder.encode('before'));
      await got.waitForCount(1);

      await first.stop('SIGKILL');
      await statuses.waitForCount(1, { what: 'status changes' });
      expect(bus.status()).toBe('reconnecting');

      const second = await restart(first.port, sparePort);
      onTestFinished(() => second.stop('SIGKILL'));
      await statuses.waitForCount(2, { timeoutMs: 10_000, what: 'status changes' });
      expect(statuses.values).toEqual(['reconnecting', 'connected']);

      // Publish from another connection: only a subscription the server knows can receive it.
      const publisher = await connect({ servers: second.url });
      onTestFinished(() => publisher.close());
      publisher.publish(subject, encoder.encode('after'));
      await publisher.flush();

      await got.waitForCount(2);
      expect(got.values).toEqual(['before', 'after']);
      expect(lines.filter((l) => l.msg === 'nats disconnected')).toHaveLength(1);
      expect(lines.filter((l) => l.msg === 'nats reconnected')).toHaveLength(1);
    },
  );
});

/** Starts a replacement server on the old port if it can be bound again, else on the spare one. */
async function restartOnSamePort(oldPort: number, sparePort: number): Promise<NatsServer> {
  if (!(await canListen(oldPort))) return startNats({ port: sparePort });
  // Another process may take the port between the probe and the server's bind.
  return startNats({ port: oldPort }).catch(() => startNats({ port: sparePort }));
}

async function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
