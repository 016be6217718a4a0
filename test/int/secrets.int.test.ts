// Secrets never reach the logs. price-ingest and an edge with authentication run at LOG_LEVEL=trace
// against the simulator and the real servers, through the paths that handle credentials: token
// issue, a token revoked mid-run and issued again, Kiwoom errors, clients with tokens in the query
// and in the subprotocol, a refused token, and shutdown. Then every line both wrote is searched
// for the Kiwoom app key and secret key, every Kiwoom token issued, the HS256 secret and the
// clients' JWTs. (The simulator itself is a development tool and prints its own keys.)
import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../fixtures/database.js';
import { freePort } from '../fixtures/free-port.js';
import { waitFor } from '../fixtures/wait-for.js';
import { connectClient, type Frame } from '../fixtures/ws-client.js';

const root = new URL('../../', import.meta.url).pathname;
const children: { child: ChildProcess; output: () => string }[] = [];
let work: string | undefined;
let database: TestDatabase | undefined;

function start(entry: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--conditions=@repo/source', '--import', 'tsx', entry], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const started = { child, output: () => output };
  children.push(started);
  return started;
}

const portOf = (file: string, service: { child: ChildProcess; output: () => string }): Promise<number> =>
  waitFor(
    `the port file ${file}`,
    () => {
      if (service.child.exitCode !== null) throw new Error(service.output());
      try {
        return Number(readFileSync(file, 'utf8')) || undefined;
      } catch {
        return undefined;
      }
    },
    { timeoutMs: 30_000 },
  );

async function metricValue(url: string, series: string): Promise<number> {
  const text = await (await fetch(url)).text();
  const line = text.split('\n').find((l) => l.startsWith(series));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

afterAll(async () => {
  for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await database?.drop();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('secrets in the logs', () => {
  it('never prints a Kiwoom key, a Kiwoom token, the HS256 secret or a client JWT, at trace level', async () => {
    work = mkdtempSync(join(tmpdir(), 'secrets-'));
    database = await createTestDatabase(inject('databaseUrl'), 'secrets');
    const appKey = `app-${randomUUID()}`;
    const secretKey = `sec-${randomUUID()}`;
    const adminToken = `adm-${randomUUID()}`;
    const hsSecret = `hs-${randomUUID()}-${randomUUID()}`;
    const prefix = `sec${randomUUID().slice(0, 8)}:`;

    const sim = start('services/kiwoom-sim/src/main.ts', {
      KIWOOM_SIM_PORT: '0',
      KIWOOM_SIM_PORT_FILE: join(work, 'sim.port'),
      KIWOOM_SIM_CLOCK: 'session',
      KIWOOM_SIM_RATE_LIMITS: '*:0',
      KIWOOM_SIM_APP_KEY: appKey,
      KIWOOM_SIM_SECRET_KEY: secretKey,
      KIWOOM_SIM_ADMIN_TOKEN: adminToken,
    });
    const simUrl = `http://127.0.0.1:${await portOf(join(work, 'sim.port'), sim)}`;
    const opsPort = await freePort();
    const ingest = start('services/price-ingest/src/main.ts', {
      NATS_URL: inject('natsUrl'),
      REDIS_URL: inject('redisUrl'),
      DATABASE_URL: database.url,
      KIWOOM_BASE_URL: simUrl,
      KIWOOM_APP_KEY: appKey,
      KIWOOM_SECRET_KEY: secretKey,
      INGEST_REDIS_KEY_PREFIX: prefix,
      INGEST_OPS_PORT: String(opsPort),
      INGEST_POLL_INTERVAL_MS: '300',
      INGEST_OFF_HOURS_INTERVAL_MS: '300',
      INGEST_DAILY_SYNC: 'false',
      // Let the client's retries run out, so the Kiwoom error itself (not the cycle deadline) is logged.
      INGEST_KIWOOM_DEADLINE_MS: '20000',
      LOG_LEVEL: 'trace',
    });
    const edge = start('services/edge/src/main.ts', {
      NATS_URL: inject('natsUrl'),
      REDIS_URL: inject('redisUrl'),
      PORT: '0',
      EDGE_PORT_FILE: join(work, 'edge.port'),
      EDGE_REDIS_KEY_PREFIX: prefix,
      EDGE_AUTH: 'hs256',
      EDGE_AUTH_HS256_SECRET: hsSecret,
      EDGE_DRAIN_MS: '200',
      LOG_LEVEL: 'trace',
    });
    const edgePort = await portOf(join(work, 'edge.port'), edge);
    const metrics = `http://127.0.0.1:${opsPort}/metrics`;
    await waitFor('a first successful poll', async () => (await metricValue(metrics, 'ingest_polls_total{result="ok"')) > 0, {
      timeoutMs: 30_000,
      intervalMs: 200,
    });

    // Clients with tokens in the query and in the subprotocol, and one refused.
    const jwts = await Promise.all(
      [1, 2].map((n) =>
        new SignJWT({ topics: ['price:*'] })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(`user-${n}`)
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(hsSecret)),
      ),
    );
    const viaQuery = await connectClient(`ws://127.0.0.1:${edgePort}/ws?subscribe=price:005930&token=${jwts[0]}`);
    await viaQuery.next((f: Frame) => f.type === 'price_update', { timeoutMs: 15_000 });
    const viaProtocol = new WebSocket(`ws://127.0.0.1:${edgePort}/ws?subscribe=price:000660`, ['bearer', jwts[1]!]);
    await once(viaProtocol, 'open');
    const refused = new WebSocket(`ws://127.0.0.1:${edgePort}/ws?token=${jwts[0]!.slice(0, -4)}AAAA`);
    await once(refused, 'error');

    // The Kiwoom token in use, then revoked by the simulator mid-run, and the one issued after.
    const issue = async (): Promise<string> => {
      const res = await fetch(`${simUrl}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json;charset=UTF-8' },
        body: JSON.stringify({ grant_type: 'client_credentials', appkey: appKey, secretkey: secretKey }),
      });
      return ((await res.json()) as { token: string }).token;
    };
    const firstToken = await issue();
    const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    expect((await fetch(`${simUrl}/admin/tokens/expire`, { method: 'POST', headers: admin })).status).toBe(200);
    await fetch(`${simUrl}/admin/faults`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify([{ kind: 'http_5xx', apiId: 'ka20001', count: 4 }]),
    });
    const okBefore = await metricValue(metrics, 'ingest_polls_total{result="ok"');
    await waitFor(
      'a Kiwoom error and polls after the token was revoked',
      async () => {
        const errors = await metricValue(metrics, 'ingest_kiwoom_errors_total{code="KIWOOM_UNAVAILABLE"');
        return errors > 0 && (await metricValue(metrics, 'ingest_polls_total{result="ok"')) > okBefore + 2;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const secondToken = await issue();
    expect(secondToken).not.toBe(firstToken);

    await viaQuery.close();
    viaProtocol.close();
    for (const service of [ingest, edge]) {
      const exited = once(service.child, 'exit');
      service.child.kill('SIGTERM');
      await exited;
    }

    const logs = ingest.output() + edge.output();
    // The run logged at trace level through those paths, so silence is not why nothing leaks.
    expect(logs.split('\n').length).toBeGreaterThan(30);
    expect(logs).toContain('"level":20');
    // The token paths ran: issued, revoked and issued again; a Kiwoom error was logged.
    expect(logs.split('"msg":"kiwoom token issued"').length - 1).toBeGreaterThanOrEqual(2);
    expect(logs).toContain('"code":"KIWOOM_UNAVAILABLE"');
    for (const [what, secret] of Object.entries({
      appKey,
      secretKey,
      firstToken,
      secondToken,
      hsSecret,
      adminToken,
      jwtQuery: jwts[0]!,
      jwtProtocol: jwts[1]!,
    })) {
      expect(logs.includes(secret), `${what} appears in the logs`).toBe(false);
      // Nor its distinctive middle (a secret cut or wrapped in a longer string).
      expect(logs.includes(secret.slice(4, 24)), `part of ${what} appears in the logs`).toBe(false);
    }
  }, 120_000);
});
