import { afterEach, describe, expect, it } from 'vitest';
import { connectClient } from '../../../test/fixtures/ws-client.js';
import { createWsServer, type WsServer } from './ws-server.js';

let server: WsServer | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

describe('ws-server', () => {
  it('closes only the socket whose handler threw, with 1011, and reports it', async () => {
    const errors: string[] = [];
    server = createWsServer<{ n: number }>({
      path: '/ws',
      maxPayloadLength: 1024,
      maxBackpressure: 64 * 1024,
      upgrade: () => ({ accept: true, data: { n: 0 } }),
      open: () => undefined,
      message: (ws, data) => {
        const text = Buffer.from(data).toString();
        if (text === 'boom') throw new Error('handler bug');
        ws.send(JSON.stringify({ type: 'echo', text }));
      },
      dropped: () => undefined,
      drain: () => undefined,
      pong: () => undefined,
      close: () => undefined,
      handlerError: (err, where) => errors.push(`${where}:${(err as Error).message}`),
      routes: {},
    });
    const port = await server.listen('127.0.0.1', 0);
    const victim = await connectClient(`ws://127.0.0.1:${port}/ws`);
    const bystander = await connectClient(`ws://127.0.0.1:${port}/ws`);
    victim.send('boom');
    await expect(victim.closed).resolves.toMatchObject({ code: 1011 });
    expect(errors).toEqual(['message:handler bug']);
    // The process and the other socket carry on.
    bystander.ws.send('hi');
    await expect(bystander.next((f) => f.type === 'echo')).resolves.toEqual({ type: 'echo', text: 'hi' });
    await bystander.close();
  });

  // app.ts counts a drop only in the `dropped` handler: uWS calls it for a direct send over
  // maxBackpressure too, not only inside publish, so counting the 'dropped' status as well
  // would count every such drop twice.
  it('reports a direct send over maxBackpressure both as its status and through `dropped`, once each', async () => {
    const statuses: string[] = [];
    let droppedCalls = 0;
    server = createWsServer<{ n: number }>({
      path: '/ws',
      maxPayloadLength: 1024,
      maxBackpressure: 64 * 1024,
      upgrade: () => ({ accept: true, data: { n: 0 } }),
      // 200 frames of 60 KB in one loop turn: far past the kernel's buffers and maxBackpressure.
      open: (ws) => {
        const frame = 'x'.repeat(60_000);
        for (let k = 0; k < 200; k += 1) statuses.push(ws.send(frame));
      },
      message: () => undefined,
      dropped: () => (droppedCalls += 1),
      drain: () => undefined,
      pong: () => undefined,
      close: () => undefined,
      handlerError: () => undefined,
      routes: {},
    });
    const port = await server.listen('127.0.0.1', 0);
    const c = await connectClient(`ws://127.0.0.1:${port}/ws`);
    const drops = statuses.filter((s) => s === 'dropped').length;
    expect(drops).toBeGreaterThan(0);
    expect(droppedCalls).toBe(drops);
    await c.close();
  });
});
