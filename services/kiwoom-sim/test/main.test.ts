// The composition root as `npm run kiwoom-sim` runs it: a child process configured by environment.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startProcess } from '../../../test/fixtures/processes.js';
import { waitFor } from '../../../test/fixtures/wait-for.js';

const root = new URL('../../../', import.meta.url).pathname;

describe('kiwoom-sim main.ts', () => {
  it('prints its URL and key pair, serves on the port it wrote, and exits 0 on SIGTERM', async () => {
    const portFile = join(mkdtempSync(join(tmpdir(), 'kiwoom-sim-')), 'port');
    const env = [
      'KIWOOM_SIM_PORT=0',
      `KIWOOM_SIM_PORT_FILE=${portFile}`,
      'KIWOOM_SIM_APP_KEY=main-key',
      'KIWOOM_SIM_SECRET_KEY=main-secret',
    ];
    const proc = startProcess(
      'env',
      [...env, process.execPath, '--conditions=@repo/source', '--import', 'tsx', 'services/kiwoom-sim/src/main.ts'],
      {
        cwd: root,
      },
    );
    onTestFinished(() => proc.stop('SIGKILL'));
    const port = await waitFor(
      'the port file',
      () => {
        if (proc.child.exitCode !== null) throw new Error(`kiwoom-sim exited: ${proc.output()}`);
        try {
          return Number(readFileSync(portFile, 'utf8')) || undefined;
        } catch {
          return undefined;
        }
      },
      { timeoutMs: 15_000 },
    );
    const token = await fetch(`http://127.0.0.1:${port}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', appkey: 'main-key', secretkey: 'main-secret' }),
    });
    expect(((await token.json()) as Record<string, unknown>)['return_code']).toBe(0);
    await waitFor('the start-up line', () => proc.output().includes('kiwoom-sim ready'));
    expect(proc.output()).toContain(`http://127.0.0.1:${port}`);
    expect(proc.output()).toContain('app key main-key');
    expect(proc.output()).toContain('secret key main-secret');

    await proc.stop('SIGTERM');
    expect(proc.child.exitCode).toBe(0);
    expect(proc.output()).toContain('shutdown complete');
  });

  it('exits 2 listing every bad variable', async () => {
    const proc = startProcess(
      'env',
      [
        'KIWOOM_SIM_MODE=paper',
        'KIWOOM_SIM_PORTT=1',
        process.execPath,
        '--conditions=@repo/source',
        '--import',
        'tsx',
        'services/kiwoom-sim/src/main.ts',
      ],
      {
        cwd: root,
      },
    );
    onTestFinished(() => proc.stop('SIGKILL'));
    await waitFor('the exit', () => proc.child.exitCode !== null, { timeoutMs: 15_000 });
    expect(proc.child.exitCode).toBe(2);
    expect(proc.output()).toContain('KIWOOM_SIM_MODE="paper"');
    expect(proc.output()).toContain('KIWOOM_SIM_PORTT is not a known variable');
  });
});
