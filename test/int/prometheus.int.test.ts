// The dashboard and the alerts against a real Prometheus (Debian's `prometheus`) scraping the real
// services: kiwoom-sim, price-ingest, signal-engine and an edge, each its own process as in a
// pod, on real NATS, Redis and PostgreSQL, while WebSocket clients receive quotes. Every panel
// query must return series (an empty query is a broken panel), every alert expression must parse
// and watch series that exist, promtool must accept the rules file, and stopping the ingest
// leader must make IngestNoLeader's expression fire.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ALERTS } from '../../scripts/observability/alerts.js';
import { RATE, dashboardExpressions } from '../../scripts/observability/dashboard.js';
import { createTestDatabase, type TestDatabase } from '../fixtures/database.js';
import { freePort } from '../fixtures/free-port.js';
import { waitFor } from '../fixtures/wait-for.js';
import { connectClient, type Frame, type TestClient } from '../fixtures/ws-client.js';

const root = new URL('../../', import.meta.url).pathname;
const NAMESPACE = 'krx-test';
/** Grafana's $__rate_interval, for 1 s scrapes: long enough to hold several samples of each series. */
const TEST_RATE = '30s';

interface Service {
  readonly child: ChildProcess;
  output(): string;
}

const services: Service[] = [];
let work: string;
let database: TestDatabase;
let prometheusUrl: string;
let clients: TestClient[] = [];

function startService(entry: string, env: Record<string, string>): Service {
  const child = spawn(process.execPath, ['--conditions=@repo/source', '--import', 'tsx', entry], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer): void => {
    output = (output + d.toString()).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const service = { child, output: () => output };
  services.push(service);
  return service;
}

async function waitHttp(what: string, url: string, service: { child: ChildProcess; output(): string }): Promise<void> {
  await waitFor(
    what,
    async () => {
      if (service.child.exitCode !== null) throw new Error(`${what}: exited with ${service.child.exitCode}\n${service.output()}`);
      return (await fetch(url)).ok;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
}

async function readPortFile(file: string, service: Service): Promise<number> {
  return waitFor(
    `the port file ${file}`,
    () => {
      if (service.child.exitCode !== null) throw new Error(`exited with ${service.child.exitCode}\n${service.output()}`);
      try {
        return Number(readFileSync(file, 'utf8')) || undefined;
      } catch {
        return undefined;
      }
    },
    { timeoutMs: 30_000 },
  );
}

interface QueryResult {
  status: string;
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

async function query(expr: string): Promise<QueryResult> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return (await res.json()) as QueryResult;
}

/** A dashboard expression with Grafana's variables as the test's values (every pod). */
const substitute = (expr: string): string => expr.replaceAll('$namespace', NAMESPACE).replaceAll('$pod', '.*').replaceAll(RATE, TEST_RATE);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'prometheus-int-'));
  database = await createTestDatabase(inject('databaseUrl'), 'prom');
  const prefix = `prom${randomUUID().slice(0, 8)}:`;
  const shared = { NATS_URL: inject('natsUrl'), REDIS_URL: inject('redisUrl'), DATABASE_URL: database.url };

  const simPortFile = join(work, 'sim.port');
  const sim = startService('services/kiwoom-sim/src/main.ts', {
    KIWOOM_SIM_PORT: '0',
    KIWOOM_SIM_PORT_FILE: simPortFile,
    KIWOOM_SIM_CLOCK: 'session',
    KIWOOM_SIM_RATE_LIMITS: '*:0',
  });
  const simPort = await readPortFile(simPortFile, sim);

  const [ingestPort, enginePort, prometheusPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const ingest = startService('services/price-ingest/src/main.ts', {
    ...shared,
    KIWOOM_BASE_URL: `http://127.0.0.1:${simPort}`,
    INGEST_REDIS_KEY_PREFIX: prefix,
    INGEST_OPS_HOST: '127.0.0.1',
    INGEST_OPS_PORT: String(ingestPort),
    // The wall clock may be outside KRX hours; poll at the session pace anyway.
    INGEST_POLL_INTERVAL_MS: '500',
    INGEST_OFF_HOURS_INTERVAL_MS: '500',
    INGEST_DAILY_SYNC: 'false',
  });
  await waitHttp('price-ingest ready', `http://127.0.0.1:${ingestPort}/ready`, ingest);
  // After ingest: both run the migrations at boot, one at a time.
  const engine = startService('services/signal-engine/src/main.ts', {
    ...shared,
    SIGNALS_REDIS_KEY_PREFIX: prefix,
    SIGNALS_OPS_HOST: '127.0.0.1',
    SIGNALS_OPS_PORT: String(enginePort),
  });
  const edgePortFile = join(work, 'edge.port');
  const edge = startService('services/edge/src/main.ts', {
    ...shared,
    PORT: '0',
    EDGE_PORT_FILE: edgePortFile,
    EDGE_REDIS_KEY_PREFIX: prefix,
  });
  const edgePort = await readPortFile(edgePortFile, edge);
  await waitHttp('signal-engine ready', `http://127.0.0.1:${enginePort}/ready`, engine);

  const target = (job: string, port: number, pod: string): Record<string, unknown> => ({
    job_name: job,
    static_configs: [{ targets: [`127.0.0.1:${port}`], labels: { namespace: NAMESPACE, pod } }],
  });
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    scrape_configs: [
      target('edge', edgePort, 'edge-0'),
      target('price-ingest', ingestPort, 'price-ingest-0'),
      target('signal-engine', enginePort, 'signal-engine-0'),
    ],
  };
  writeFileSync(join(work, 'prometheus.yml'), JSON.stringify(config));
  prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
  const prometheus = startProcessOf('prometheus', [
    `--config.file=${join(work, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(work, 'tsdb')}`,
    `--web.listen-address=127.0.0.1:${prometheusPort}`,
    '--log.level=warn',
  ]);
  await waitHttp('prometheus ready', `${prometheusUrl}/-/ready`, prometheus);

  // Traffic: clients on quotes, indices, the gate and a signal topic; one leaves (a close code).
  clients = await Promise.all(
    Array.from({ length: 4 }, () =>
      connectClient(`ws://127.0.0.1:${edgePort}/ws?subscribe=price:005930,price:000660,market:kospi,market-gate,signal:vcp`),
    ),
  );
  await Promise.all(clients.map((c) => c.next((f: Frame) => f.type === 'price_update', { timeoutMs: 20_000 })));
  await clients.pop()?.close();
}, 120_000);

function startProcessOf(command: string, args: string[]): Service {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8_000)));
  const service = { child, output: () => output };
  services.push(service);
  return service;
}

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(
    services.map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }),
  );
  await database?.drop();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('Prometheus on the real services', () => {
  it('scrapes every service with its namespace and pod labels', async () => {
    await waitFor('three targets up', async () => (await query('sum(up{namespace="krx-test"})')).data?.result[0]?.value[1] === '3', {
      timeoutMs: 20_000,
    });
    const values = (await (await fetch(`${prometheusUrl}/api/v1/label/pod/values?match[]=process_start_time_seconds`)).json()) as {
      data: string[];
    };
    expect(values.data.sort()).toEqual(['edge-0', 'price-ingest-0', 'signal-engine-0']);
  }, 30_000);

  it('returns a finite sample for every dashboard query', async () => {
    const exprs = dashboardExpressions().map((t) => substitute(t.expr));
    const empty = async (): Promise<string[]> => {
      const results = await Promise.all(exprs.map(async (e) => ({ e, r: await query(e) })));
      for (const { e, r } of results) if (r.status !== 'success') throw new Error(`${e}: ${r.error}`);
      // A series whose samples are all NaN (a quantile over no observations) draws nothing either.
      const drawn = (r: QueryResult): boolean => (r.data?.result ?? []).some((s) => Number.isFinite(Number(s.value[1])));
      return results.filter(({ r }) => !drawn(r)).map(({ e }) => e);
    };
    let missing: string[] = [];
    await waitFor(
      'every panel to show data',
      async () => {
        missing = await empty();
        return missing.length === 0;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    ).catch(() => undefined);
    expect(missing).toEqual([]);
    expect(exprs.length).toBeGreaterThanOrEqual(25);
  }, 75_000);

  it('parses every alert expression, and each watches series that exist', async () => {
    for (const alert of ALERTS) {
      expect(alert.expr).toContain(alert.probe);
      const full = await query(alert.expr);
      expect(full.status, `${alert.alert}: ${full.error}`).toBe('success');
      await waitFor(`${alert.alert}'s probe to return series`, async () => ((await query(alert.probe)).data?.result.length ?? 0) > 0, {
        timeoutMs: 30_000,
        intervalMs: 500,
      });
    }
  }, 60_000);

  it('passes promtool check rules, and the alert unit tests (each alert fires on its fault, stays quiet under its guards)', () => {
    const check = spawnSync('promtool', ['check', 'rules', join(root, 'deploy/prometheus/alerts.yml')], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain(`SUCCESS: ${ALERTS.length} rules found`);
    const tests = readFileSync(join(root, 'deploy/prometheus/alerts.test.yml'), 'utf8');
    for (const alert of ALERTS) expect(tests, `${alert.alert} has a promtool test`).toContain(`alertname: ${alert.alert}`);
    const run = spawnSync('promtool', ['test', 'rules', join(root, 'deploy/prometheus/alerts.test.yml')], { encoding: 'utf8' });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('SUCCESS');
  });

  it('fires IngestNoLeader when the ingest leader stops, and not before', async () => {
    const noLeader = ALERTS.find((a) => a.alert === 'IngestNoLeader')!;
    expect((await query(noLeader.expr)).data?.result).toEqual([]);
    const ingest = services.find((s) => s.child.spawnargs.some((a) => a.includes('price-ingest')))!;
    const exited = once(ingest.child, 'exit');
    ingest.child.kill('SIGKILL');
    await exited;
    const firing = await waitFor(
      'IngestNoLeader to fire',
      async () => {
        const result = (await query(noLeader.expr)).data?.result ?? [];
        return result.length > 0 ? result : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(firing.length).toBe(1);
  }, 30_000);
});
