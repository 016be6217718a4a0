import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DataDirError, prepareDataDir } from './data-dir.js';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'data-dir-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('prepareDataDir', () => {
  it('creates the directory with every missing parent and returns its absolute path', () => {
    const base = tempDir();
    const path = prepareDataDir(join(base, '.data', 'nested', 'pglite'));
    expect(path).toBe(join(base, '.data', 'nested', 'pglite'));
    expect(statSync(path).isDirectory()).toBe(true);
  });

  it('keeps what an existing directory holds unless fresh, and empties it when fresh', () => {
    const dir = join(tempDir(), 'pglite');
    prepareDataDir(dir);
    writeFileSync(join(dir, 'PG_VERSION'), '17');
    prepareDataDir(dir);
    expect(readdirSync(dir)).toEqual(['PG_VERSION']);
    prepareDataDir(dir, { fresh: true });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('names the path and the variable in one line when a part of the path is a file, and creates nothing', () => {
    const base = tempDir();
    writeFileSync(join(base, 'file'), '');
    const attempt = (): string => prepareDataDir(join(base, 'file', 'pglite'));
    expect(attempt).toThrow(DataDirError);
    expect(attempt).toThrow(`STANDALONE_DATA_DIR=${join(base, 'file', 'pglite')}: a part of the path is a file, not a directory (ENOTDIR)`);
    try {
      attempt();
    } catch (err) {
      expect((err as Error).message).not.toContain('\n');
      expect((err as DataDirError).code).toBe('STANDALONE_DATA_DIR_UNUSABLE');
    }
    expect(existsSync(join(base, 'file', 'pglite'))).toBe(false);
  });

  it('refuses a path that is an existing file', () => {
    const base = tempDir();
    writeFileSync(join(base, 'pglite'), '');
    expect(() => prepareDataDir(join(base, 'pglite'))).toThrow(/STANDALONE_DATA_DIR=.*pglite: /);
  });
});
