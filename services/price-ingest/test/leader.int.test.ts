/**
 * Two price-ingest processes (main.ts, as the orchestrator runs them) against the simulator, real
 * NATS, Redis and PostgreSQL. One holds the poller lease and publishes; SIGKILL it and the standby
 * takes the lease within a few TTLs and continues the topic's seq from the stored last value, so a
 * subscriber sees one unbroken sequence from two producers, never both at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createKiwoomSim, parseKiwoomSimConfig } from '@repo/kiwoom-sim';
import { silentLogger } from '@repo/observability';
import { decodeEnvelope, type BusEnvelope } from '@repo/protocol';
import { connect } from 'nats';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { createTestDatabase } from '../../../test/fixtures/database.js';
import { waitFor } from '../../../test/fixtures/wait-for.js';

const root = new URL('../../../', import.meta.url).pathname;
const LEASE_TTL_MS = 1_000;
const TICKER = '005930';
/** How long a process may take to boot (tsx compiles main.ts and its imports on the fly). */
const BOOT_TIMEOUT_MS = 20_000;
/** A poll cycle is about 2 s: the client paces each api-id at 1 call/s and a cycle makes 2 ka20001 calls. */
const QUOTES_TIMEOUT_MS = 15_000;

/** A fresh database in the run's throw-away cluster, dropped when the test finishes. */
async function freshDatabase(): Promise<string> {
  const database = await createTestDatabase(inject('databaseUrl'), 'ingest_leader');
  onTestFinished(() => database.drop());
  return database.url;
}

interface IngestProcess {
  readonly child: ChildProcess;
  readonly instanceId: string;
  readonly opsPort: number;
  output(): string;
}

/** Spawns price-ingest's main.ts and resolves with its start line (`price-ingest started` with `opsPort`). */
async function startIngest(env: Record<string, string>): Promise<IngestProcess> {
  const child = spawn(process.execPath, ['--conditions=@repo/source', '--import', 'tsx', 'services/price-ingest/src/main.ts'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onTestFinished(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  });
  let output = '';
  child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-16_000)));
  const lines = createInterface({ input: child.stdout });
  const started = await new Promise<{ instanceId: string; opsPort: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start line within ${BOOT_TIMEOUT_MS} ms:\n${output}`)), BOOT_TIMEOUT_MS);
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      reject(new Error(`price-ingest exited (${code ?? signal}) before starting:\n${output}`));
    };
    child.once('exit', onExit);
    lines.on('line', (line) => {
      output = (output + line + '\n').slice(-16_000);
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      // app.ts logs a line with the same message and no opsPort; main.ts's carries the port.
      if (record['msg'] === 'price-ingest started' && typeof record['opsPort'] === 'number' && typeof record['instanceId'] === 'string') {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ instanceId: record['instanceId'], opsPort: record['opsPort'] });
      }
    });
  });
  return { child, ...started, output: () => output };
}

/** The `ingest_leader` gauge of a running process (1 while it holds the lease). */
async function leaderGauge(ingest: IngestProcess): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${ingest.opsPort}/metrics`)).text();
  const match = /^ingest_leader(?:\{[^}]*\})? (\S+)$/m.exec(text);
  if (match === null) throw new Error('no ingest_leader gauge in /metrics');
  return Number(match[1]);
}

async function readyStatus(ingest: IngestProcess): Promise<number> {
  return (await fetch(`http://127.0.0.1:${ingest.opsPort}/ready`)).status;
}

/** Envelopes of one subject in arrival order, with event-based waits on what has arrived. */
function createInbox(): {
  readonly envelopes: BusEnvelope[];
  push(envelope: BusEnvelope): void;
  until(what: string, done: (envelopes: readonly BusEnvelope[]) => boolean, timeoutMs: number): Promise<void>;
} {
  const envelopes: BusEnvelope[] = [];
  const waiters = new Set<() => void>();
  return {
    envelopes,
    push(envelope) {
      envelopes.push(envelope);
      for (const check of [...waiters]) check();
    },
    until(what, done, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!done(envelopes)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${trace(envelopes)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

/** `[[seq, src], …]`, for failure messages. */
function trace(envelopes: readonly BusEnvelope[]): string {
  return JSON.stringify(envelopes.map((e) => [e.seq, e.src]));
}

const countFrom = (envelopes: readonly BusEnvelope[], src: string): number => envelopes.filter((e) => e.src === src).length;

describe('price-ingest leader lease across processes', () => {
  it('leader killed → standby takes over, no double publishing', { timeout: 90_000 }, async () => {
    const sim = createKiwoomSim({
      config: parseKiwoomSimConfig({ KIWOOM_SIM_PORT: '0', KIWOOM_SIM_RATE_LIMITS: '*:0', KIWOOM_SIM_CLOCK: 'session' }),
      logger: silentLogger,
    });
    await sim.start();
    onTestFinished(() => sim.stop());
    // The sim's price moves every 10 simulated seconds and unchanged quotes are not republished:
    // run the clock 60× from where it stands (inside a session) so every poll cycle has news.
    const clock = (await (await fetch(`${sim.url}/admin/clock`)).json()) as { now: string };
    const set = await fetch(`${sim.url}/admin/clock`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ start: clock.now, speed: 60 }),
    });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ speed: 60, running: true });

    const databaseUrl = await freshDatabase();
    const nc = await connect({ servers: inject('natsUrl'), name: 'leader.int.test' });
    onTestFinished(() => nc.close());
    const inbox = createInbox();
    const undecodable: unknown[] = [];
    nc.subscribe(`md.price.${TICKER}`, {
      callback: (err, msg) => {
        try {
          if (err !== null) throw err;
          inbox.push(decodeEnvelope(msg.data));
        } catch (e) {
          undecodable.push(e);
        }
      },
    });
    // The subscription stands on the server before either process can publish.
    await nc.flush();

    const env = {
      NATS_URL: inject('natsUrl'),
      REDIS_URL: inject('redisUrl'),
      DATABASE_URL: databaseUrl,
      KIWOOM_BASE_URL: sim.url,
      INGEST_REDIS_KEY_PREFIX: `leader${randomUUID()}:`,
      INGEST_LEASE_TTL_MS: String(LEASE_TTL_MS),
      INGEST_POLL_INTERVAL_MS: '100',
      // The wall clock may be outside KRX hours; poll just as often then.
      INGEST_OFF_HOURS_INTERVAL_MS: '100',
      INGEST_OPS_PORT: '0',
      INGEST_WATCH_TICKERS: TICKER,
      INGEST_DAILY_SYNC: 'false',
      LOG_LEVEL: 'info',
    };
    const processes = await Promise.all([startIngest(env), startIngest(env)]);
    expect(await Promise.all(processes.map(readyStatus))).toEqual([200, 200]);

    // Exactly one of the two takes the lease.
    const [leader, standby] = await waitFor(
      'exactly one process to report ingest_leader 1',
      async () => {
        const gauges = await Promise.all(processes.map(leaderGauge));
        if ([...gauges].sort().join() !== '0,1') return undefined;
        return gauges[0] === 1 ? processes : [processes[1], processes[0]];
      },
      { timeoutMs: 5 * LEASE_TTL_MS },
    );
    if (leader === undefined || standby === undefined) throw new Error('two processes expected');
    // Our other connections may see other tests' quotes on the shared server: count only ours.
    const ours = new Set([leader.instanceId, standby.instanceId]);
    const ownEnvelopes = (): BusEnvelope[] => inbox.envelopes.filter((e) => ours.has(e.src));

    await inbox.until('2 quotes from the leader', (all) => countFrom(all, leader.instanceId) >= 2, QUOTES_TIMEOUT_MS);
    // While the leader lives, the standby polls nothing and publishes nothing.
    expect(await leaderGauge(standby)).toBe(0);
    expect(countFrom(inbox.envelopes, standby.instanceId)).toBe(0);
    const before = countFrom(inbox.envelopes, leader.instanceId);
    await inbox.until('one more quote from the leader', (all) => countFrom(all, leader.instanceId) > before, QUOTES_TIMEOUT_MS);
    // Killed right after one of its quotes arrived: the next price publish is a poll cycle away.
    const killed = once(leader.child, 'exit');
    leader.child.kill('SIGKILL');
    await killed;

    // The lease expires at most one TTL after the last renewal; the standby retries every TTL/3.
    await waitFor('the standby to report ingest_leader 1', async () => (await leaderGauge(standby)) === 1, {
      timeoutMs: 5 * LEASE_TTL_MS,
    });
    await inbox.until('3 quotes from the new leader', (all) => countFrom(all, standby.instanceId) >= 3, QUOTES_TIMEOUT_MS);
    expect(await readyStatus(standby)).toBe(200);

    expect(undecodable).toEqual([]);
    const envelopes = ownEnvelopes();
    expect(envelopes.every((e) => e.topic === `price:${TICKER}`)).toBe(true);
    // One unbroken sequence from the first quote of the fresh key prefix: no duplicate, no gap.
    const seqs = envelopes.map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    // The producer changed exactly once, from the killed leader to the standby.
    const producers = envelopes.map((e) => e.src).filter((src, i, all) => i === 0 || all[i - 1] !== src);
    expect(producers).toEqual([leader.instanceId, standby.instanceId]);
  });
});
