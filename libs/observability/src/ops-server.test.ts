import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Counter } from 'prom-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createRegistry } from './metrics.js';
import { createOpsServer } from './ops-server.js';
import type { OpsServerOptions } from './ops-server.js';

/** Starts an ops server on a free loopback port, stopped when the test finishes. */
async function startOps(overrides: Partial<OpsServerOptions> = {}) {
  const registry = createRegistry({ service: 'price-ingest', defaultMetrics: false });
  const ops = createOpsServer({ registry, isReady: () => true, service: 'price-ingest', ...overrides });
  const port = await ops.start();
  onTestFinished(() => ops.stop());
  return { ops, port, registry, url: (path: string) => `http://127.0.0.1:${port}${path}` };
}

describe('createOpsServer', () => {
  it('answers /health with 200 and the service name', async () => {
    const { url } = await startOps();
    const res = await fetch(url('/health'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'healthy', service: 'price-ingest' });
    expect(Object.keys(body).slice(0, 2)).toEqual(['status', 'service']);
  });

  it('answers /ready with 200 while ready and 503 while not', async () => {
    let ready = true;
    const { url } = await startOps({ isReady: () => ready });
    const up = await fetch(url('/ready'));
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ status: 'ready', service: 'price-ingest', reasons: [] });
    ready = false;
    const down = await fetch(url('/ready'));
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'not_ready', service: 'price-ingest', reasons: ['not ready'] });
  });

  it('passes the reasons of a readiness object through', async () => {
    const { url } = await startOps({ isReady: () => ({ ready: false, reasons: ['bus disconnected', 'draining'] }) });
    const res = await fetch(url('/ready'));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ reasons: ['bus disconnected', 'draining'] });
  });

  it('answers 503 when the readiness check throws', async () => {
    const { url } = await startOps({
      isReady: () => {
        throw new Error('bug');
      },
    });
    const res = await fetch(url('/ready'));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'not_ready', reasons: ['readiness check failed'] });
  });

  it('serves the registry as Prometheus text with the service label', async () => {
    const { url, registry } = await startOps();
    const polls = new Counter({ name: 'ingest_polls_total', help: 'Polls.', registers: [registry] });
    polls.inc(3);
    const res = await fetch(url('/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(registry.contentType);
    expect(await res.text()).toContain('ingest_polls_total{service="price-ingest"} 3');
  });

  it('ignores the query string', async () => {
    const { url } = await startOps();
    expect((await fetch(url('/health?probe=k8s'))).status).toBe(200);
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const { url } = await startOps();
    const missing = await fetch(url('/ws'));
    expect(missing.status).toBe(404);
    await missing.body?.cancel();
    const post = await fetch(url('/health'), { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    await post.body?.cancel();
  });

  it('stops even with an idle keep-alive connection open, and twice', async () => {
    const { ops, url } = await startOps();
    const res = await fetch(url('/health'), { headers: { connection: 'keep-alive' } });
    await res.text();
    await ops.stop();
    await ops.stop();
    await expect(fetch(url('/health'))).rejects.toThrow();
  });

  it('resolves stop() before start()', async () => {
    const registry = createRegistry({ service: 'x', defaultMetrics: false });
    await expect(createOpsServer({ registry, isReady: () => true, service: 'x' }).stop()).resolves.toBeUndefined();
  });

  it('rejects start() when the port is taken', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    onTestFinished(() => {
      blocker.close();
    });
    const { port } = blocker.address() as AddressInfo;
    const registry = createRegistry({ service: 'x', defaultMetrics: false });
    const ops = createOpsServer({ registry, isReady: () => true, service: 'x', port });
    await expect(ops.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
