// The server binaries the test suite starts, and the Debian package behind each.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Debian keeps the PostgreSQL server binaries under /usr/lib/postgresql/<major>/bin. */
function postgresBinDirs() {
  const root = '/usr/lib/postgresql';
  return existsSync(root) ? readdirSync(root).map((major) => join(root, major, 'bin')) : [];
}

export const SERVER_BINARIES = [
  { bin: 'nats-server', pkg: 'nats-server' },
  { bin: 'redis-server', pkg: 'redis-server' },
  { bin: 'nginx', pkg: 'nginx', dirs: ['/usr/sbin'] },
  { bin: 'pg_ctl', pkg: 'postgresql', dirs: postgresBinDirs() },
  { bin: 'chromium', pkg: 'chromium' },
  { bin: 'prometheus', pkg: 'prometheus' },
  { bin: 'promtool', pkg: 'prometheus' },
  // Not a binary: the Korean font Chromium needs to draw the dashboard (and its screenshot) legibly.
  { bin: 'NanumGothic.ttf', pkg: 'fonts-nanum', dirs: ['/usr/share/fonts/truetype/nanum'] },
];

/** Binaries from `wanted` that are on neither PATH nor their usual directory. */
export function findMissing(wanted = SERVER_BINARIES, path = process.env.PATH ?? '') {
  const dirs = path.split(delimiter).filter(Boolean);
  return wanted.filter((w) => ![...dirs, ...(w.dirs ?? [])].some((d) => existsSync(join(d, w.bin))));
}

/**
 * Returns what is still missing. As root on a Debian machine (and unless TEST_NO_INSTALL=1) it
 * first installs the missing packages with apt-get, so a fresh machine needs no manual step.
 */
export function ensureServerBinaries({ log }) {
  let missing = findMissing();
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get') && process.env.TEST_NO_INSTALL !== '1';
  if (missing.length > 0 && canInstall) {
    const pkgs = missing.map((m) => m.pkg);
    log(`installing missing server packages: ${pkgs.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
    missing = findMissing();
  }
  return missing;
}
