// The production topology on one machine, for the fault suite: kiwoom-sim, two price-ingest
// (leader and standby behind the Redis lease), signal-engine and two edges behind nginx, each its
// own process as in a pod, on their own nats-server, redis-server and PostgreSQL. Every service
// reaches NATS, Redis and PostgreSQL through a TCP proxy the test holds (each edge through its
// own NATS proxy), so a server can be killed and started again on a fresh port, and a link cut.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../fixtures/free-port.js';
import { startNats, type NatsServer } from '../fixtures/nats.js';
import { startNginx, type NginxServer } from '../fixtures/nginx.js';
import { startPostgres, type PostgresServer } from '../fixtures/postgres.js';
import { startRedis, type RedisServer } from '../fixtures/redis.js';
import { startTcpProxy, type TcpProxy } from '../fixtures/tcp-proxy.js';
import { waitFor } from '../fixtures/wait-for.js';

const root = new URL('../../', import.meta.url).pathname;

/** Tickers the clients watch (the simulator's universe, the default watch list). */
export const TICKERS = ['005930', '000660', '035420', '005380', '035720', '051910'] as const;
export const LEASE_TTL_MS = 3_000;
export const POLL_MS = 250;
export const MAX_CONNECTIONS_PER_IP = 250;

let ticksPerSecond: number | undefined;
/** The kernel's clock ticks per second, for /proc CPU times (asked once). */
function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
  return ticksPerSecond;
}

/** One service process, started from its `main.ts` with the given environment. */
export class Service {
  child!: ChildProcess;
  #output = '';
  #lines = 0;
  #exited!: Promise<void>;

  constructor(
    readonly name: string,
    readonly entry: string,
    readonly env: Record<string, string>,
  ) {
    this.start();
  }

  start(): void {
    this.#output = '';
    const child = spawn(process.execPath, ['--conditions=@repo/source', '--import', 'tsx', this.entry], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'info', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (d: Buffer): void => {
      const text = d.toString();
      this.#lines += text.split('\n').length - 1;
      this.#output = (this.#output + text).slice(-16_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.#exited = once(child, 'exit').then(() => undefined);
    this.child = child;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Lines written to stdout and stderr since the first start (for log-volume bounds). */
  get lineCount(): number {
    return this.#lines;
  }

  output(): string {
    return this.#output;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.signal(signal);
    await this.#exited;
  }

  /** CPU seconds (user + system) the process has used, from /proc. */
  cpuSeconds(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
  }

  /** Resident memory in bytes, from /proc. */
  rssBytes(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return Number(kib) * 1024;
  }
}

/** An edge process: its port (from the port file) and its own NATS proxy. */
export interface EdgeNode {
  readonly service: Service;
  readonly port: number;
  readonly natsProxy: TcpProxy;
}

export interface Topology {
  readonly work: string;
  readonly nats: NatsServer;
  readonly redis: RedisServer;
  readonly postgres: PostgresServer;
  /** NATS for the producers and the test's recorder. */
  readonly natsProxy: TcpProxy;
  readonly redisProxy: TcpProxy;
  readonly pgProxy: TcpProxy;
  readonly simUrl: string;
  readonly sim: Service;
  readonly ingests: Service[];
  readonly ingestOpsPorts: Map<Service, number>;
  readonly engine: Service;
  readonly edges: EdgeNode[];
  readonly nginx: NginxServer;
  readonly wsUrl: string;
  /** Starts another edge (a new pod): its own NATS proxy, a fresh port; not yet behind nginx. */
  startEdge(name: string): Promise<EdgeNode>;
  /** Starts another price-ingest (it leads only if nobody does). */
  startIngest(name: string): Promise<Service>;
  /** Kills nats-server and starts a new one on a fresh port behind the same proxies. */
  killNats(): Promise<void>;
  restartNats(): Promise<void>;
  killRedis(): Promise<void>;
  /** A new, empty Redis (no persistence, as a restarted cache) behind the proxy. */
  restartRedis(): Promise<void>;
  metric(service: Service, series: string): Promise<number>;
  simAdmin(method: string, path: string, body?: unknown): Promise<Response>;
  stop(): Promise<void>;
}

async function readPortFile(file: string, service: Service): Promise<number> {
  return waitFor(
    `${service.name}'s port file`,
    () => {
      if (!service.running) throw new Error(`${service.name} exited\n${service.output()}`);
      try {
        return Number(readFileSync(file, 'utf8')) || undefined;
      } catch {
        return undefined;
      }
    },
    { timeoutMs: 60_000, intervalMs: 50 },
  );
}

async function waitReady(service: Service, url: string): Promise<void> {
  await waitFor(
    `${service.name} ready`,
    async () => {
      if (!service.running) throw new Error(`${service.name} exited\n${service.output()}`);
      return (await fetch(url)).ok;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
}

/** A Prometheus text series' value (the sum over lines that start with `series`), 0 when absent. */
export async function scrape(url: string, series: string): Promise<number> {
  const text = await (await fetch(url)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(series)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

export async function startTopology(): Promise<Topology> {
  const work = mkdtempSync(join(tmpdir(), 'faults-'));
  const services: Service[] = [];
  const proxies: TcpProxy[] = [];
  const [nats, redis, postgres] = await Promise.all([startNats(), startRedis(), startPostgres()]);
  // The servers now: a killed one is replaced on a fresh port behind the same proxies.
  let natsServer = nats;
  let redisServer = redis;
  const proxy = async (port: number): Promise<TcpProxy> => {
    const p = await startTcpProxy(port);
    proxies.push(p);
    return p;
  };
  const [natsProxy, redisProxy, pgProxy] = await Promise.all([proxy(nats.port), proxy(redis.port), proxy(postgres.port)]);
  const edgeNatsProxies: TcpProxy[] = [];
  const shared = {
    REDIS_URL: redisProxy.url('redis'),
    DATABASE_URL: `postgres://postgres@127.0.0.1:${pgProxy.port}/postgres`,
  };
  const service = (name: string, entry: string, env: Record<string, string>): Service => {
    const s = new Service(name, entry, env);
    services.push(s);
    return s;
  };

  const simPortFile = join(work, 'sim.port');
  const sim = service('kiwoom-sim', 'services/kiwoom-sim/src/main.ts', {
    KIWOOM_SIM_PORT: '0',
    KIWOOM_SIM_PORT_FILE: simPortFile,
    KIWOOM_SIM_CLOCK: 'session',
    KIWOOM_SIM_RATE_LIMITS: '*:0',
    LOG_LEVEL: 'warn',
  });
  const simUrl = `http://127.0.0.1:${await readPortFile(simPortFile, sim)}`;

  // History for the database fallback and the signals: the backfill, as an operator runs it.
  const backfillRun = spawn(
    process.execPath,
    [
      '--conditions=@repo/source',
      '--import',
      'tsx',
      'services/price-ingest/src/backfill-main.ts',
      '--days',
      '80',
      '--tickers',
      TICKERS.join(','),
    ],
    { cwd: root, env: { PATH: process.env['PATH'] ?? '', ...shared, KIWOOM_BASE_URL: simUrl, LOG_LEVEL: 'warn' }, stdio: 'pipe' },
  );
  let backfillOutput = '';
  backfillRun.stderr.on('data', (d: Buffer) => (backfillOutput += d.toString()));
  const [backfillCode] = (await once(backfillRun, 'exit')) as [number | null];
  if (backfillCode !== 0) throw new Error(`backfill failed (${backfillCode}): ${backfillOutput}`);

  const ingestOpsPorts = new Map<Service, number>();
  const startIngest = async (name: string): Promise<Service> => {
    const opsPort = await freePort();
    const ingest = service(name, 'services/price-ingest/src/main.ts', {
      ...shared,
      NATS_URL: natsProxy.url('nats'),
      KIWOOM_BASE_URL: simUrl,
      INGEST_OPS_HOST: '127.0.0.1',
      INGEST_OPS_PORT: String(opsPort),
      // The wall clock may be outside KRX hours; the simulator's session clock is always open.
      INGEST_POLL_INTERVAL_MS: String(POLL_MS),
      INGEST_OFF_HOURS_INTERVAL_MS: String(POLL_MS),
      INGEST_LEASE_TTL_MS: String(LEASE_TTL_MS),
      INGEST_BREAKER_COOLDOWN_MS: '1000',
      INGEST_BREAKER_MAX_COOLDOWN_MS: '2000',
      INGEST_DAILY_SYNC: 'false',
      KIWOOM_TIMEOUT_MS: '1000',
      INGEST_KIWOOM_DEADLINE_MS: '750',
    });
    ingestOpsPorts.set(ingest, opsPort);
    await waitReady(ingest, `http://127.0.0.1:${opsPort}/ready`);
    return ingest;
  };
  const ingests = [await startIngest('ingest-a')];
  const metric = async (s: Service, series: string): Promise<number> => {
    const port = ingestOpsPorts.get(s) ?? (s === engine ? enginePort : undefined) ?? edges.find((e) => e.service === s)?.port;
    if (port === undefined) throw new Error(`no metrics port for ${s.name}`);
    return scrape(`http://127.0.0.1:${port}/metrics`, series);
  };
  await waitFor('ingest-a to lead', async () => (await metric(ingests[0]!, 'ingest_leader')) === 1, { timeoutMs: 30_000, intervalMs: 100 });
  ingests.push(await startIngest('ingest-b'));

  const enginePort = await freePort();
  const engine = service('signal-engine', 'services/signal-engine/src/main.ts', {
    ...shared,
    NATS_URL: natsProxy.url('nats'),
    SIGNALS_OPS_HOST: '127.0.0.1',
    SIGNALS_OPS_PORT: String(enginePort),
    SIGNALS_GATE_EVERY_MS: '2000',
    SIGNALS_VCP_EVERY_MS: '2000',
    SIGNALS_TICK_MS: '250',
  });

  const edges: EdgeNode[] = [];
  const startEdge = async (name: string): Promise<EdgeNode> => {
    const natsLink = await proxy(natsServer.port);
    edgeNatsProxies.push(natsLink);
    const portFile = join(work, `${name}-${Date.now()}.port`);
    const edge = service(name, 'services/edge/src/main.ts', {
      ...shared,
      NATS_URL: natsLink.url('nats'),
      PORT: '0',
      EDGE_PORT_FILE: portFile,
      EDGE_DRAIN_MS: '2000',
      EDGE_SHUTDOWN_DEADLINE_MS: '10000',
      EDGE_MAX_BACKPRESSURE_BYTES: String(1024 * 1024),
      EDGE_CLIENT_IP_HEADER: 'x-forwarded-for',
      // Every test client comes through nginx from 127.0.0.1: room for all 200 on one edge.
      EDGE_MAX_CONNECTIONS_PER_IP: String(MAX_CONNECTIONS_PER_IP),
    });
    const port = await readPortFile(portFile, edge);
    await waitReady(edge, `http://127.0.0.1:${port}/ready`);
    return { service: edge, port, natsProxy: natsLink };
  };
  edges.push(await startEdge('edge-1'), await startEdge('edge-2'));
  await waitReady(engine, `http://127.0.0.1:${enginePort}/ready`);
  const nginx = await startNginx({ upstreamPorts: edges.map((e) => e.port) });

  const retargetNats = (port: number): void => {
    for (const p of [natsProxy, ...edgeNatsProxies]) p.retarget(port);
  };
  const topology: Topology = {
    work,
    get nats() {
      return natsServer;
    },
    get redis() {
      return redisServer;
    },
    postgres,
    natsProxy,
    redisProxy,
    pgProxy,
    simUrl,
    sim,
    ingests,
    ingestOpsPorts,
    engine,
    edges,
    nginx,
    wsUrl: `ws://127.0.0.1:${nginx.port}/ws`,
    startEdge,
    startIngest,
    async killNats() {
      await natsServer.stop('SIGKILL');
    },
    async restartNats() {
      natsServer = await startNats();
      retargetNats(natsServer.port);
    },
    async killRedis() {
      await redisServer.stop();
    },
    async restartRedis() {
      redisServer = await startRedis();
      redisProxy.retarget(redisServer.port);
    },
    metric,
    simAdmin: (method, path, body) =>
      fetch(`${simUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    async stop() {
      await nginx.stop().catch(() => undefined);
      for (const s of services) if (s.running) s.signal('SIGKILL');
      await Promise.all(services.map((s) => s.stop('SIGKILL')));
      await Promise.all(proxies.map((p) => p.stop()));
      await Promise.all([natsServer.stop(), redisServer.stop(), postgres.stop()].map((p) => p.catch(() => undefined)));
      rmSync(work, { recursive: true, force: true });
    },
  };
  return topology;
}
