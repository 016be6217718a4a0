import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { waitFor } from '../../../test/fixtures/wait-for.js';
import { connectClient, type Frame } from '../../../test/fixtures/ws-client.js';

const root = new URL('../../../', import.meta.url).pathname;

describe('standalone (npm start)', () => {
  it('serves the protocol on in-process ports with no server on PATH, and stops cleanly on SIGINT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'standalone-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
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
    // Not a terminal: one JSON record per line, the ready line first.
    const records = output
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const [first] = records;
    expect(first?.['msg']).toMatch(/^standalone ready: /);
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
    // One scrape shows the whole system: every service's metrics and the process's.
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const name of [
      'edge_ws_connections',
      'ingest_leader',
      'ingest_fallback_tickers',
      'signals_topic_stale',
      'process_resident_memory_bytes',
    ]) {
      expect(metrics).toMatch(new RegExp(`^${name}\\{[^}]*service="standalone"`, 'm'));
    }

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

  it.each([
    {
      what: 'a part of the path is a file',
      prepare: (dir: string): string => {
        writeFileSync(join(dir, 'file'), '');
        return join(dir, 'file', 'pglite');
      },
      line: /^standalone: STANDALONE_DATA_DIR=\S+\/file\/pglite: a part of the path is a file, not a directory \(ENOTDIR\); set STANDALONE_DATA_DIR to a directory this user can write$/,
    },
    {
      what: 'the directory is not a PGlite database',
      prepare: (dir: string): string => {
        mkdirSync(join(dir, 'junk'));
        writeFileSync(join(dir, 'junk', 'PG_VERSION'), 'garbage');
        return join(dir, 'junk');
      },
      line: /^standalone: STANDALONE_DATA_DIR=\S+\/junk cannot be opened as a PGlite database \(.+\); move it away, or start once with STANDALONE_FRESH=true to rebuild it$/,
    },
  ])(
    'exits 2 with one line naming STANDALONE_DATA_DIR when $what, and never listens',
    async ({ prepare, line }) => {
      const dir = mkdtempSync(join(tmpdir(), 'standalone-bad-dir-'));
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      const portFile = join(dir, 'port');
      const child = spawn(process.execPath, ['--conditions=@repo/source', '--import', 'tsx', 'services/standalone/src/main.ts'], {
        cwd: root,
        env: { PATH: dir, PORT: '0', EDGE_PORT_FILE: portFile, STANDALONE_DATA_DIR: prepare(dir) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      onTestFinished(() => {
        if (child.exitCode === null) child.kill('SIGKILL');
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(2);
      expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(line)]);
      expect(existsSync(portFile)).toBe(false);
    },
    30_000,
  );

  it('prints human-readable lines at a terminal, the ready line first, and JSON on a pipe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'standalone-tty-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const command = [process.execPath, '--conditions=@repo/source', '--import', 'tsx', 'services/standalone/src/main.ts'].join(' ');
    // util-linux `script` runs the command on a pseudo-terminal, as a person's shell would.
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: root,
      env: {
        PATH: '/usr/bin:/bin',
        PORT: '0',
        EDGE_DRAIN_MS: '200',
        STANDALONE_DATA_DIR: join(dir, 'pglite'),
        STANDALONE_HISTORY_DAYS: '5',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    onTestFinished(() => {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    const lines = (): string[] =>
      stripVTControlCharacters(output)
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '');
    await waitFor('the ready line on the terminal', () => lines().some((l) => l.includes('standalone ready')), { timeoutMs: 30_000 });
    const [first] = lines();
    expect(first).toMatch(
      /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: standalone ready: dashboard http:\/\/127\.0\.0\.1:\d+\/ · WebSocket ws:\/\/127\.0\.0\.1:\d+\/ws \{/,
    );
    expect(lines().filter((l) => l.startsWith('{'))).toEqual([]);
    // Ctrl-C ends `script` and the terminal with it; the shutdown itself is tested on a pipe above.
    const exited = once(child, 'exit');
    process.kill(-child.pid!, 'SIGINT');
    await exited;
  }, 60_000);
});
