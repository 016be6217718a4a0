import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findMissing } from './server-binaries.mjs';

describe('npm test preflight', () => {
  it('finds binaries on PATH or in their usual directory', () => {
    const empty = mkdtempSync(join(tmpdir(), 'path-'));
    expect(findMissing([{ bin: 'node', pkg: 'nodejs' }], `${empty}:${join(process.execPath, '..')}`)).toEqual([]);
    expect(findMissing([{ bin: 'nats-server', pkg: 'nats-server' }], empty)).toEqual([{ bin: 'nats-server', pkg: 'nats-server' }]);
  });

  it('fails with the missing package named, and a summary line CI can read', () => {
    const empty = mkdtempSync(join(tmpdir(), 'path-'));
    const result = spawnSync(process.execPath, [join(import.meta.dirname, 'test.mjs')], {
      env: { PATH: empty, TEST_NO_INSTALL: '1' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('nats-server (apt package nats-server)');
    expect(result.stderr).toContain('redis-server (apt package redis-server)');
    expect(result.stdout.trim().split('\n').at(-1)).toBe('0 passed, 1 failed');
  });
});
