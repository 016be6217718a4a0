// Optional authentication at the upgrade: HS256 and RS256 (JWKS) tokens in ?token= or in the
// Sec-WebSocket-Protocol header, 401 and nothing subscribed on a bad token, 503 when the keys
// cannot be fetched, topic grants from the `topics` claim, and 4001 when the token expires.
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { SignJWT, exportJWK, generateKeyPair, type JWTPayload } from 'jose';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '@repo/client';
import { createMemoryLastValueStore, type LastValueStore } from '@repo/bus';
import { CloseCode } from '@repo/protocol';
import { createAuthenticator } from '../src/auth.js';
import { connectClient, type Frame } from '../../../test/fixtures/ws-client.js';
import { waitFor } from '../../../test/fixtures/wait-for.js';
import { aGateUpdate, aPriceUpdate, createTestProducer, startTestEdge, type TestEdge } from './harness.js';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const edges: TestEdge[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(edges.splice(0).map((e) => e.stop()));
  for (const s of servers.splice(0)) s.close();
});

async function hsEdge(): Promise<TestEdge> {
  const authenticator = createAuthenticator({ mode: 'hs256', hs256Secret: SECRET, jwksUrl: '', issuer: 'krx', audience: '' })!;
  const edge = await startTestEdge({ authenticator });
  edges.push(edge);
  return edge;
}

function hsToken(claims: JWTPayload = {}, opts: { secret?: string; expiresIn?: string | number; issuer?: string } = {}): Promise<string> {
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setIssuer(opts.issuer ?? 'krx')
    .setSubject('user-1');
  jwt = jwt.setExpirationTime(opts.expiresIn ?? '1h');
  return jwt.sign(new TextEncoder().encode(opts.secret ?? SECRET));
}

/** The HTTP status of a refused handshake (or 101), and the body the edge sent with it. */
function handshake(url: string, protocols?: string[]): Promise<{ status: number; body: string; protocol?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    ws.once('open', () => {
      resolve({ status: 101, body: '', protocol: ws.protocol });
      ws.close();
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', (err) => {
      if (!String(err.message).startsWith('Unexpected server response')) reject(err);
    });
  });
}

describe('authentication with HS256', () => {
  it('refuses a missing, forged, expired or wrong-issuer token with 401 and a reason, and counts it', async () => {
    const edge = await hsEdge();
    expect(await handshake(edge.wsUrl)).toEqual({ status: 401, body: 'missing token' });
    const forged = await hsToken({}, { secret: 'another-secret-of-at-least-32-bytes!!' });
    expect(await handshake(`${edge.wsUrl}?token=${forged}`)).toMatchObject({
      status: 401,
      body: 'invalid token (ERR_JWS_SIGNATURE_VERIFICATION_FAILED)',
    });
    const expired = await hsToken({}, { expiresIn: Math.floor(Date.now() / 1000) - 10 });
    expect(await handshake(`${edge.wsUrl}?token=${expired}`)).toMatchObject({ status: 401, body: 'token expired' });
    const otherIssuer = await hsToken({}, { issuer: 'someone-else' });
    expect(await handshake(`${edge.wsUrl}?token=${otherIssuer}`)).toMatchObject({ status: 401 });
    expect(await handshake(`${edge.wsUrl}?token=not.a.jwt`)).toMatchObject({ status: 401 });
    const metrics = await edge.registry.getSingleMetric('edge_ws_upgrades_rejected_total')!.get();
    expect(metrics.values.find((v) => v.labels['reason'] === 'unauthorized')?.value).toBe(5);
    expect((await fetch(`${edge.httpUrl}/ws/stats`).then((r) => r.json())) as Record<string, unknown>).toMatchObject({
      active_connections: 0,
    });
  });

  it('accepts a token in ?token= and serves the query topics as before', async () => {
    const edge = await hsEdge();
    const token = await hsToken();
    const client = await connectClient(`${edge.wsUrl}?subscribe=market-gate&token=${token}`);
    await client.next((f: Frame) => f.type === 'connected');
    expect(client.frames[0]).toEqual({ type: 'subscribed', topic: 'market-gate', message: 'Subscribed to market-gate' });
    await client.close();
  });

  it('keeps the socket open after an asynchronous upgrade and delivers a snapshot read a moment later', async () => {
    const store = createMemoryLastValueStore();
    // The store answers on a later turn of the event loop, as Redis does.
    const slowStore: LastValueStore = {
      ...store,
      get: async (topic) => new Promise((resolve) => setTimeout(() => resolve(store.get(topic)), 5)),
    };
    const authenticator = createAuthenticator({ mode: 'hs256', hs256Secret: SECRET, jwksUrl: '', issuer: 'krx', audience: '' })!;
    const edge = await startTestEdge({ authenticator, lastValues: slowStore });
    edges.push(edge);
    await createTestProducer(edge.bus, store)('market-gate', aGateUpdate('GREEN', 71));
    const client = await connectClient(`${edge.wsUrl}?subscribe=market-gate&token=${await hsToken()}`);
    expect(await client.next((f: Frame) => f.type === 'market_gate_update')).toMatchObject({ topic: 'market-gate' });
    client.send({ type: 'ping' });
    await client.next((f: Frame) => f.type === 'pong');
    await client.close();
    expect(await client.closed).toMatchObject({ code: 1000 });
  });

  it('accepts a token in Sec-WebSocket-Protocol (bearer, <jwt>) and answers with the bearer subprotocol', async () => {
    const edge = await hsEdge();
    expect(await handshake(edge.wsUrl, ['bearer', await hsToken()])).toEqual({ status: 101, body: '', protocol: 'bearer' });
  });

  it('lets the topics claim restrict subscriptions: a forbidden topic gets FORBIDDEN_TOPIC and no messages', async () => {
    const edge = await hsEdge();
    const publish = createTestProducer(edge.bus, edge.lastValues);
    const token = await hsToken({ topics: ['price:*', 'market:kospi'] });
    const client = await connectClient(`${edge.wsUrl}?subscribe=price:005930,market-gate&token=${token}`);
    await client.next((f: Frame) => f.type === 'connected');
    expect(client.frames.slice(0, 2)).toEqual([
      { type: 'subscribed', topic: 'price:005930', message: 'Subscribed to price:005930' },
      { type: 'error', code: 'FORBIDDEN_TOPIC', message: 'Not allowed by your token: market-gate' },
    ]);
    client.send({ type: 'subscribe', topic: 'signal:vcp' });
    await client.next((f: Frame) => f.code === 'FORBIDDEN_TOPIC' && String(f.message).includes('signal:vcp'));
    await publish('market-gate', aGateUpdate());
    await publish('price:005930', aPriceUpdate('005930'));
    await client.next((f: Frame) => f.type === 'price_update');
    expect(client.frames.some((f) => f.type === 'market_gate_update')).toBe(false);
    await client.close();
  });

  it('refuses a topics claim that is not a list of strings', async () => {
    const edge = await hsEdge();
    const token = await hsToken({ topics: 'price:*' });
    expect(await handshake(`${edge.wsUrl}?token=${token}`)).toEqual({ status: 401, body: 'the topics claim must be an array of strings' });
  });

  it('closes the socket with 4001 when the token expires', async () => {
    const edge = await hsEdge();
    const token = await hsToken({}, { expiresIn: Math.floor(Date.now() / 1000) + 2 });
    const client = await connectClient(`${edge.wsUrl}?token=${token}`);
    const closed = await client.closed;
    expect(closed).toEqual({ code: CloseCode.TokenExpired, reason: 'token expired' });
  }, 10_000);
});

describe('the client SDK against an edge with authentication', () => {
  it('refreshes its token when the edge closes with 4001 and gets the topic back on the new connection', async () => {
    const edge = await hsEdge();
    const publish = createTestProducer(edge.bus, edge.lastValues);
    await publish('market-gate', aGateUpdate('GREEN', 71));
    const issued: string[] = [];
    const client = createClient({
      url: edge.wsUrl,
      WebSocket: WebSocket,
      topics: ['market-gate'],
      backoff: { baseMs: 10, maxMs: 50 },
      // The first token lives 1 s; the next ones an hour.
      token: async () => {
        const token = await hsToken({}, { expiresIn: Math.floor(Date.now() / 1000) + (issued.length === 0 ? 1 : 3600) });
        issued.push(token);
        return token;
      },
    });
    const codes: (number | undefined)[] = [];
    const gates: number[] = [];
    let acks = 0;
    client.onState((state, info) => state === 'disconnected' && codes.push(info.code));
    client.on('market_gate_update', (m) => gates.push(m.seq));
    client.on('subscribed', () => (acks += 1));
    client.connect();
    try {
      await waitFor(
        'the expiry close and a second connection subscribed again',
        () => codes.includes(CloseCode.TokenExpired) && acks >= 2 && client.state === 'connected',
        { timeoutMs: 8_000 },
      );
      // The snapshot on the new connection repeats a seq the client had (dropped as a duplicate);
      // the next gate arrives on the new connection.
      await publish('market-gate', aGateUpdate('YELLOW', 55));
      await waitFor('the next gate on the new connection', () => gates.length === 2);
      expect(gates).toEqual([1, 2]);
      expect(issued).toHaveLength(2);
      expect(new Set(issued).size).toBe(2);
    } finally {
      client.close();
    }
  }, 10_000);
});

describe('authentication with RS256 keys from a JWKS URL', () => {
  async function jwksServer(): Promise<{ url: string; sign(claims?: JWTPayload): Promise<string>; server: Server }> {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    return {
      url: `http://127.0.0.1:${port}/jwks.json`,
      server,
      sign: (claims = {}) =>
        new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuedAt().setExpirationTime('1h').sign(privateKey),
    };
  }

  it('accepts a token signed by a key of the JWKS and refuses one signed by another key', async () => {
    const jwks = await jwksServer();
    const authenticator = createAuthenticator({ mode: 'jwks', hs256Secret: '', jwksUrl: jwks.url, issuer: '', audience: '' })!;
    const edge = await startTestEdge({ authenticator });
    edges.push(edge);
    expect(await handshake(`${edge.wsUrl}?token=${await jwks.sign()}`)).toMatchObject({ status: 101 });
    const stranger = await generateKeyPair('RS256');
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setExpirationTime('1h').sign(stranger.privateKey);
    expect(await handshake(`${edge.wsUrl}?token=${forged}`)).toMatchObject({ status: 401 });
  });

  it('answers 503 (not 401) when the keys cannot be fetched', async () => {
    const jwks = await jwksServer();
    const token = await jwks.sign();
    jwks.server.close();
    await once(jwks.server, 'close');
    const authenticator = createAuthenticator({ mode: 'jwks', hs256Secret: '', jwksUrl: jwks.url, issuer: '', audience: '' })!;
    const edge = await startTestEdge({ authenticator });
    edges.push(edge);
    expect(await handshake(`${edge.wsUrl}?token=${token}`)).toEqual({ status: 503, body: 'token keys unavailable' });
  });
});

describe('authentication off (the default)', () => {
  it('accepts clients without a token, as before', async () => {
    const edge = await startTestEdge();
    edges.push(edge);
    expect(await handshake(edge.wsUrl)).toMatchObject({ status: 101 });
    await waitFor('the connection to be counted and released', async () => {
      const stats = (await fetch(`${edge.httpUrl}/ws/stats`).then((r) => r.json())) as { active_connections: number };
      return stats.active_connections === 0;
    });
  });
});
