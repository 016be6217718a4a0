import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { waitFor } from '../../../test/fixtures/wait-for.js';
import { connectClient, type Frame } from '../../../test/fixtures/ws-client.js';

const root = new URL('../../../', import.meta.url).pathname;

describe('standalone (npm start)', () => {
  it('serves the protocol on in-process ports with no server on PATH, and stops cleanly on SIGINT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'standalone-'));
    const portFile = join(dir, 'port');
    // PATH holds only an empty directory: nothing like nats-server or redis-server can be found.
    const child = spawn(process.execPath, ['--conditions=@repo/source', '--import', 'tsx', 'services/standalone/src/main.ts'], {
      cwd: root,
      env: {
        PATH: dir,
        PORT: '0',
        EDGE_PORT_FILE: portFile,
        EDGE_DRAIN_MS: '200',
        STANDALONE_DATA_DIR: join(dir, 'pglite'),
        STANDALONE_HISTORY_DAYS: '5',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));

    const port = await waitFor(
      'standalone to listen',
      () => {
        if (child.exitCode !== null) throw new Error(`standalone exited: ${output}`);
        try {
          return Number(readFileSync(portFile, 'utf8')) || undefined;
        } catch {
          return undefined;
        }
      },
      { timeoutMs: 30_000 },
    );
    // The ready line travels through a pipe: it may arrive a moment after the port file.
    await waitFor('the ready line with the URLs', () => output.includes(`ws://127.0.0.1:${port}/ws`));
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);

    const c = await connectClient(`ws://127.0.0.1:${port}/ws?subscribe=price:005930`);
    await c.next((f: Frame) => f.type === 'connected');
    expect(c.frames[0]).toEqual({ type: 'subscribed', topic: 'price:005930', message: 'Subscribed to price:005930' });
    // A live quote from the embedded simulator through price-ingest and the in-process bus.
    const quote = await c.next((f: Frame) => f.type === 'price_update', { timeoutMs: 10_000 });
    expect(quote).toMatchObject({ ticker: '005930', source: 'kiwoom_rest' });

    const exited = once(child, 'exit');
    child.kill('SIGINT');
    await expect(c.closed).resolves.toMatchObject({ code: 1012 });
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  }, 60_000);
});
