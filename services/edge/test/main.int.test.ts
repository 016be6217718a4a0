import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { waitFor } from '../../../test/fixtures/wait-for.js';
import { connectClient, type Frame } from '../../../test/fixtures/ws-client.js';

// The composition root as the orchestrator runs it: a child process configured by environment.
const root = new URL('../../../', import.meta.url).pathname;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function runEdge(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--conditions=@repo/source', '--import', 'tsx', 'services/edge/src/main.ts'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

describe('edge main.ts', () => {
  it('serves with real NATS and Redis, relays legacy messages, and drains on SIGTERM before exiting 0', async () => {
    const portFile = join(mkdtempSync(join(tmpdir(), 'edge-')), 'port');
    const prefix = `main${randomUUID()}:`;
    const { child, output } = runEdge({
      PORT: '0',
      EDGE_PORT_FILE: portFile,
      NATS_URL: inject('natsUrl'),
      REDIS_URL: inject('redisUrl'),
      EDGE_REDIS_KEY_PREFIX: prefix,
      EDGE_DRAIN_MS: '300',
    });
    const port = await waitFor(
      'the port file',
      () => {
        if (child.exitCode !== null) throw new Error(`edge exited: ${output()}`);
        try {
          return Number(readFileSync(portFile, 'utf8')) || undefined;
        } catch {
          return undefined;
        }
      },
      { timeoutMs: 15_000 },
    );
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);

    const clients = await Promise.all(Array.from({ length: 5 }, () => connectClient(`ws://127.0.0.1:${port}/ws?subscribe=market-gate`)));
    await Promise.all(clients.map((c) => c.next((f: Frame) => f.type === 'connected')));
    const redis = new Redis(inject('redisUrl'));
    try {
      // Once the edge holds the relay lease and subscribed, PUBLISH reaches one subscriber.
      await waitFor('the relay to subscribe', async () => (await redis.publish(`${prefix}ws:broadcast:market-gate`, '[0]')) === 1);
      await redis.publish(
        `${prefix}ws:broadcast:market-gate`,
        JSON.stringify({ type: 'market_gate_update', timestamp: new Date().toISOString(), data: { status: 'GREEN', level: 71 } }),
      );
      await Promise.all(clients.map((c) => c.next((f: Frame) => f.type === 'market_gate_update')));
    } finally {
      await redis.quit();
    }

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const codes = await Promise.all(clients.map((c) => c.closed));
    expect(codes.map((c) => c.code)).toEqual([1012, 1012, 1012, 1012, 1012]);
    const [exitCode] = (await exited) as [number | null];
    expect(exitCode).toBe(0);
    expect(output()).toContain('drain complete');
  });

  it('refuses to boot with a bad configuration, listing every problem', async () => {
    const { child, output } = runEdge({ PORT: 'eighty', EDGE_PING_INTERVAL_MS: '-5', EDGE_MAX_CONECTIONS: '10', NATS_URL: 'http://x' });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(output()).not.toContain('    at ');
    for (const name of ['PORT', 'EDGE_PING_INTERVAL_MS', 'EDGE_MAX_CONECTIONS', 'NATS_URL']) expect(output()).toContain(name);
  });
});
