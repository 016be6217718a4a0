// The Dockerfile, checked without a Docker daemon (none runs on our machines): its stages, user,
// PID 1 and probes are read from the file, then the build and prod-deps stages are executed here
// (their COPY and RUN lines, in a temporary directory standing for the image's /app and /out),
// and every service image's CMD is started from what the runtime image would hold: production
// dependencies, compiled dist/ and nothing else. Each must serve /health against real servers and
// exit 0 on SIGTERM. A dependency that only the dev install provides fails here.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../fixtures/database.js';
import { freePort } from '../fixtures/free-port.js';
import { waitFor } from '../fixtures/wait-for.js';

const root = new URL('../../', import.meta.url).pathname;
const SERVICES = ['edge', 'price-ingest', 'signal-engine', 'kiwoom-sim'] as const;

interface Instruction {
  readonly op: string;
  readonly args: string;
}
interface Stage {
  readonly name: string;
  readonly from: string;
  readonly instructions: Instruction[];
}

/** Stages of a Dockerfile: `FROM x AS name` and the instructions under it (continuations joined). */
function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replaceAll(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [op = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (op === 'FROM') {
      const match = /^(\S+)\s+AS\s+(\S+)$/i.exec(args);
      if (match === null) throw new Error(`unnamed stage: ${line}`);
      stages.push({ from: match[1]!, name: match[2]!, instructions: [] });
    } else if (stages.length > 0) stages.at(-1)!.instructions.push({ op, args });
  }
  return stages;
}

const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const stages = parseDockerfile(dockerfile);
const stage = (name: string): Stage => {
  const found = stages.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no stage ${name}`);
  return found;
};
/** Instructions of a stage and of the stages it builds on (`FROM runtime AS edge`). */
const chain = (name: string): Instruction[] => {
  const s = stage(name);
  const parent = stages.find((p) => p.name === s.from);
  return [...(parent === undefined ? [] : chain(parent.name)), ...s.instructions];
};
const jsonArgs = (args: string): string[] => JSON.parse(args) as string[];

let work: string;
/** The build stage's /app and /out, and the prod-deps stage's /app, on this disk. */
let buildDir: string;
let outDir: string;
let prodDir: string;
let contextDir: string;
let database: TestDatabase;
const children: ChildProcess[] = [];

/**
 * Runs one stage's COPY lines (and its RUN lines when `run`) into `dir`, standing for the stage's
 * WORKDIR; `/out` in a RUN line maps to `outDir`. COPY follows Docker: a directory source copies
 * its contents, a file source lands in a destination directory under its own name.
 */
function runStage(name: string, dir: string, opts: { run: boolean }): void {
  mkdirSync(dir, { recursive: true });
  for (const { op, args } of stage(name).instructions) {
    if (op === 'COPY') {
      const parts = args.split(/\s+/).filter((p) => !p.startsWith('--chown'));
      const from = parts[0]?.startsWith('--from=') ? parts.shift()!.slice('--from='.length) : undefined;
      const dest = parts.pop()!;
      const destPath = join(dir, dest);
      for (const src of parts) {
        const source = sourcePath(from, src);
        if (statSync(source).isDirectory()) cpSync(source, destPath, { recursive: true, verbatimSymlinks: true });
        else cpSync(source, dest.endsWith('/') || parts.length > 1 ? join(destPath, basename(src)) : destPath);
      }
    } else if (op === 'RUN' && opts.run) {
      const result = spawnSync('sh', ['-c', args.replaceAll('/out', outDir)], { cwd: dir, encoding: 'utf8', env: process.env });
      if (result.status !== 0) throw new Error(`${name}: RUN ${args}\n${result.stdout}${result.stderr}`);
    }
  }
}

/** Where a COPY source lives here: the build context, or another stage's /app or /out. */
function sourcePath(from: string | undefined, src: string): string {
  if (from === undefined) return join(contextDir, src);
  if (src.startsWith('/out')) return join(outDir, src.slice('/out'.length));
  const stageDir = { build: buildDir, 'prod-deps': prodDir }[from];
  if (stageDir === undefined || !src.startsWith('/app/')) throw new Error(`COPY --from=${from} ${src}: not modelled by this test`);
  return join(stageDir, src.slice('/app/'.length));
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'dockerfile-'));
  buildDir = join(work, 'build');
  outDir = join(work, 'out');
  prodDir = join(work, 'prod');
  // The build context: the tree's clonable files (what .dockerignore leaves is a subset of these).
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(root, f)));
  contextDir = join(work, 'context');
  for (const file of files) {
    mkdirSync(dirname(join(contextDir, file)), { recursive: true });
    cpSync(join(root, file), join(contextDir, file));
  }
  runStage('build', buildDir, { run: true });
  runStage('prod-deps', prodDir, { run: true });
  database = await createTestDatabase(inject('databaseUrl'), 'image');
}, 240_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await database?.drop();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('Dockerfile', () => {
  it('has a build, a prod-deps and a runtime stage, and one image stage per service built on the runtime', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'prod-deps', 'runtime', ...SERVICES]);
    for (const svc of SERVICES) expect(stage(svc).from).toBe('runtime');
  });

  it('runs as a non-root user under tini, with no HEALTHCHECK (Kubernetes probes)', () => {
    const runtime = chain('runtime');
    expect(runtime.filter((i) => i.op === 'USER').map((i) => i.args)).toEqual(['node']);
    expect(jsonArgs(runtime.find((i) => i.op === 'ENTRYPOINT')!.args)).toEqual(['/usr/bin/tini', '--']);
    expect(runtime.some((i) => i.op === 'RUN' && i.args.includes('install') && i.args.includes('tini'))).toBe(true);
    expect(dockerfile).not.toMatch(/^\s*HEALTHCHECK/m);
  });

  it('installs production dependencies only in what the images copy', () => {
    expect(existsSync(join(prodDir, 'node_modules', 'uWebSockets.js'))).toBe(true);
    for (const dev of ['vitest', 'typescript', 'tsx', 'eslint', 'playwright-core', 'kubernetes-models']) {
      expect(existsSync(join(prodDir, 'node_modules', dev)), dev).toBe(false);
    }
    // No TypeScript source reaches an image; the SQL migrations do.
    expect(existsSync(join(outDir, 'services', 'edge', 'src'))).toBe(false);
    expect(existsSync(join(outDir, 'libs', 'db', 'src', 'migrations', '0001_stocks.sql'))).toBe(true);
  });

  it.each(SERVICES)(
    '%s: the image CMD exists, starts from the production install, serves /health and exits 0 on SIGTERM',
    async (svc) => {
      // The image's /app: the runtime stage's and the service stage's COPY lines (apt-get is not run here).
      const image = join(work, `image-${svc}`);
      runStage('runtime', image, { run: false });
      runStage(svc, image, { run: false });
      const cmd = jsonArgs(chain(svc).findLast((i) => i.op === 'CMD')!.args);
      // The edge caps V8's young generation (idle memory per connection, see the Dockerfile).
      const flags = svc === 'edge' ? ['--max-semi-space-size=4'] : [];
      expect(cmd).toEqual(['node', ...flags, `services/${svc}/dist/main.js`]);
      expect(existsSync(join(image, cmd.at(-1)!))).toBe(true);

      const port = await freePort();
      const servers = { NATS_URL: inject('natsUrl'), REDIS_URL: inject('redisUrl'), DATABASE_URL: database.url };
      const env: Record<string, Record<string, string>> = {
        edge: { ...servers, PORT: String(port), EDGE_REDIS_KEY_PREFIX: `img${port}:` },
        'price-ingest': { ...servers, INGEST_OPS_PORT: String(port), INGEST_REDIS_KEY_PREFIX: `img${port}:`, INGEST_DAILY_SYNC: 'false' },
        'signal-engine': { ...servers, SIGNALS_OPS_PORT: String(port), SIGNALS_REDIS_KEY_PREFIX: `img${port}:` },
        'kiwoom-sim': { KIWOOM_SIM_PORT: String(port) },
      };
      const child = spawn(process.execPath, cmd.slice(1), {
        cwd: image,
        env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', ...env[svc] },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const health = `http://127.0.0.1:${port}${svc === 'kiwoom-sim' ? '/admin/health' : '/health'}`;
      await waitFor(
        `${svc} to answer ${health}`,
        async () => {
          if (child.exitCode !== null) throw new Error(`${svc} exited with ${child.exitCode}:\n${output}`);
          return (await fetch(health)).ok;
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code, output).toBe(0);
    },
    60_000,
  );
});
