import { constants, accessSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** The variable that names the PGlite data directory; every error names it. */
export const DATA_DIR_VARIABLE = 'STANDALONE_DATA_DIR';

/** The data directory cannot be created, is not a directory, or cannot be written. */
export class DataDirError extends Error {
  override readonly name = 'DataDirError';
  readonly code = 'STANDALONE_DATA_DIR_UNUSABLE';
  constructor(
    readonly path: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${DATA_DIR_VARIABLE}=${path}: ${reason}; set ${DATA_DIR_VARIABLE} to a directory this user can write`, options);
  }
}

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'a file of that name exists',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
};

/**
 * Makes the PGlite data directory usable before anything opens it: creates it with its parents
 * (PGlite itself creates only the last component, so `.data/pglite` failed on a fresh clone),
 * wipes it first when `fresh`, and checks it is a writable directory. Returns the absolute path.
 * Throws `DataDirError`, whose message is one line naming the path and the variable.
 */
export function prepareDataDir(dir: string, opts: { fresh?: boolean } = {}): string {
  const path = resolve(dir);
  try {
    if (opts.fresh === true) rmSync(path, { recursive: true, force: true });
    mkdirSync(path, { recursive: true });
    if (!statSync(path).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'EEXIST' });
    accessSync(path, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === undefined ? String(err) : `${REASONS[code] ?? 'cannot be created or written'} (${code})`;
    throw new DataDirError(path, reason, { cause: err });
  }
  return path;
}
