export interface ServerBinary {
  readonly bin: string;
  readonly pkg: string;
  readonly dirs?: readonly string[];
}
export const SERVER_BINARIES: readonly ServerBinary[];
export function findMissing(wanted?: readonly ServerBinary[], path?: string): ServerBinary[];
export function ensureServerBinaries(opts: { log: (line: string) => void }): ServerBinary[];
