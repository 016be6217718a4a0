// The Kiwoom client against malformed responses: truncated and deep JSON, wrong types, numbers
// written every odd way Kiwoom could ('+-', '', '1e999', 400 digits), missing fields, HTML error
// pages, wrong content types, huge bodies, paging headers that lie. Every call ends (fake timers run
// dry, or a real socket's deadline) with either a sane value (finite numbers, no negative price) or
// a KiwoomError, never anything else.
import fc from 'fast-check';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixtureJson, scriptedFetch, tokenReply, type FakeReply } from '../test/fake-kiwoom.js';
import {
  candlesBodyArb,
  deepCandleTextArb,
  deepText,
  envelopeArb,
  indexBodyArb,
  junkArb,
  quotesBodyArb,
  replyArb,
  requestedArb,
  stockInfoBodyArb,
} from '../test/malformed-replies.js';
import { KIWOOM_ERROR_CODES as ERROR_CODES, isKiwoomError, type KiwoomErrorCode } from './errors.js';
import { createKiwoomClient, type KiwoomClient, type KiwoomClientOptions } from './kiwoom-client.js';

/** Fields of our results that hold a price or an index level: never negative. */
const PRICE_FIELDS = new Set([
  'price',
  'open',
  'high',
  'low',
  'close',
  'prevClose',
  'basePrice',
  'bestBid',
  'bestAsk',
  'upperLimit',
  'lowerLimit',
  'expectedPrice',
  'collateralPrice',
  'yearHigh',
  'yearLow',
  'high250',
  'low250',
  'value',
]);

// ---------------------------------------------------------------------------------------------
// Checking an outcome

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** Every number in a result is finite, and no price is negative. */
function checkValue(value: unknown, path = 'result'): void {
  if (typeof value === 'number') {
    expect(Number.isFinite(value), `${path} is ${value}`).toBe(true);
    const [parent, field] = path.split('.').slice(-2);
    // `breadth` holds counts of stocks (its `upperLimit` is not a price).
    if (PRICE_FIELDS.has(field ?? '') && parent !== 'breadth') expect(value, `${path} is a negative price`).toBeGreaterThanOrEqual(0);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, item] of Object.entries(value)) checkValue(item, `${path}.${key}`);
}

function checkOutcome(outcome: Outcome): void {
  if (outcome.ok) {
    checkValue(outcome.value);
    return;
  }
  const { error } = outcome;
  if (!isKiwoomError(error))
    expect.fail(`rejected with a non-KiwoomError: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  expect(ERROR_CODES).toContain(error.code);
  // A message a log line can carry: bounded, whatever the body held.
  expect(error.message.length, error.message.slice(0, 200)).toBeLessThan(1_000);
}

/** With fake timers and no I/O, a call that is still pending once every timer has run hangs for good. */
async function settle(call: Promise<unknown>): Promise<Outcome> {
  let outcome: Outcome | undefined;
  void call.then(
    (value: unknown) => (outcome = { ok: true, value }),
    (error: unknown) => (outcome = { ok: false, error }),
  );
  await vi.runAllTimersAsync();
  if (outcome === undefined) expect.fail('the call neither resolved nor rejected once every timer had run: it would hang');
  return outcome;
}

const CLIENT_OPTIONS: Omit<KiwoomClientOptions, 'fetch'> = {
  baseUrl: 'http://kiwoom.test',
  appKey: 'app',
  secretKey: 'secret',
  maxRetries: 1,
  backoff: { baseMs: 10, maxMs: 100 },
  rateLimitedMinDelayMs: 100,
  rateLimits: { default: { perSecond: 1_000, burst: 100 } },
  timeoutMs: 1_000,
};

/** A client whose token calls get `token` and whose TR calls all get `reply`. */
function scriptedClient(reply: FakeReply, token: FakeReply = tokenReply('t')): KiwoomClient {
  const { fetch } = scriptedFetch((req) => (req.path === '/oauth2/token' ? token : reply));
  return createKiwoomClient({ ...CLIENT_OPTIONS, fetch });
}

describe('KiwoomClient against malformed responses (scripted fetch, fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('quotes (ka10095): a sane quote per code or a KiwoomError', async () => {
    const caseArb = requestedArb.chain((codes) => fc.tuple(fc.constant(codes), replyArb(quotesBodyArb(codes))));
    await fc.assert(
      fc.asyncProperty(caseArb, async ([codes, reply]) => {
        const client = scriptedClient(reply);
        const outcome = await settle(client.quotes(codes));
        client.close();
        checkOutcome(outcome);
        if (outcome.ok) {
          const result = outcome.value as { quotes: unknown[]; unknownTickers: string[]; unpricedTickers: string[] };
          expect(result.quotes).toHaveLength(codes.length);
          for (const code of [...result.unknownTickers, ...result.unpricedTickers]) expect(codes).toContain(code);
        }
      }),
      { numRuns: 600 },
    );
  });

  it('stockInfo (ka10001), indexQuote (ka20001) and dailyCandles (ka10081): a sane value or a KiwoomError', async () => {
    const callArb = fc.oneof(
      replyArb(stockInfoBodyArb).map((reply) => ({ reply, call: (c: KiwoomClient) => c.stockInfo('005930') })),
      replyArb(indexBodyArb).map((reply) => ({ reply, call: (c: KiwoomClient) => c.indexQuote('001') })),
      replyArb(candlesBodyArb, deepCandleTextArb).map((reply) => ({
        reply,
        call: (c: KiwoomClient) => c.dailyCandles('005930', { baseDate: '20250910', adjusted: true, maxPages: 3 }),
      })),
    );
    await fc.assert(
      fc.asyncProperty(callArb, async ({ reply, call }) => {
        const client = scriptedClient(reply);
        checkOutcome(await settle(call(client)));
        client.close();
      }),
      { numRuns: 600 },
    );
  });

  it('a malformed token answer (au10001) is a KiwoomError before any TR call', async () => {
    const tokenBodyArb = envelopeArb(
      fc.record(
        {
          token: fc.oneof(fc.constantFrom('t', ''), junkArb),
          expires_dt: fc.oneof(fc.constantFrom('20991231235959', '20250230000000', '2099123123595', ''), junkArb),
          token_type: fc.oneof(fc.constantFrom('bearer', 'Bearer', 'mac'), junkArb),
        },
        { requiredKeys: [] },
      ),
    );
    const good: FakeReply = { body: fixtureJson('ka10001.success') };
    await fc.assert(
      fc.asyncProperty(replyArb(tokenBodyArb), async (token) => {
        const client = scriptedClient(good, token);
        checkOutcome(await settle(client.stockInfo('005930')));
        client.close();
      }),
      {
        numRuns: 300,
        // Regression: a token_type nested thousands deep overflowed the stack in JSON.stringify.
        examples: [
          [
            {
              status: 200,
              headers: {},
              body: `{"return_code":0,"token":"t","expires_dt":"20991231235959","token_type":${deepText(5_000)}}`,
            },
          ],
        ],
      },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Over a real socket: transport-level junk the scripted fetch cannot produce

type WireFault = 'truncated' | 'bad-gzip' | 'drip' | 'huge' | 'html-500' | 'wrong-type' | 'bad-chunk';

describe('KiwoomClient against a misbehaving HTTP server (127.0.0.1, port 0)', () => {
  let server: Server;
  let baseUrl = '';
  let fault: WireFault = 'truncated';
  const valid = JSON.stringify(fixtureJson('ka10001.success'));

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/oauth2/token') {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(tokenReply('t').body));
          return;
        }
        switch (fault) {
          case 'truncated':
            // Promises more bytes than it sends, then closes.
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(valid.length + 50) });
            res.write(valid.slice(0, 40));
            res.socket?.destroy();
            return;
          case 'bad-gzip':
            res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(valid);
            return;
          case 'drip':
            // Headers at once, then a body that never ends: only the deadline stops it.
            res.writeHead(200, { 'content-type': 'application/json' });
            res.write('{"return_code":0,');
            return;
          case 'huge':
            // 8 MB of valid JSON with the fields buried after a long padding string.
            res.writeHead(200, { 'content-type': 'application/json' }).end(`{"pad":"${'x'.repeat(8 * 1024 * 1024)}",${valid.slice(1)}`);
            return;
          case 'html-500':
            res.writeHead(500, { 'content-type': 'text/html' }).end('<html><body><h1>500 Internal Server Error</h1></body></html>');
            return;
          case 'wrong-type':
            res.writeHead(200, { 'content-type': 'text/html; charset=euc-kr', 'content-encoding': 'gzip' }).end(gzipSync(valid));
            return;
          case 'bad-chunk':
            res.socket?.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n');
            return;
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it.each<[WireFault, KiwoomErrorCode | 'ok']>([
    ['truncated', 'KIWOOM_UNAVAILABLE'],
    ['bad-gzip', 'KIWOOM_UNAVAILABLE'],
    ['drip', 'KIWOOM_TIMEOUT'],
    ['huge', 'ok'],
    ['html-500', 'KIWOOM_UNAVAILABLE'],
    ['wrong-type', 'ok'],
    ['bad-chunk', 'KIWOOM_UNAVAILABLE'],
  ])('%s: ends as %s within its deadline', async (kind, expected) => {
    fault = kind;
    const client = createKiwoomClient({ ...CLIENT_OPTIONS, baseUrl, maxRetries: 0, timeoutMs: 500 });
    const outcome: Outcome = await client.stockInfo('005930').then(
      (value) => ({ ok: true, value }),
      (error: unknown) => ({ ok: false, error }),
    );
    client.close();
    checkOutcome(outcome);
    if (expected === 'ok') expect(outcome).toMatchObject({ ok: true, value: { ticker: '005930', price: 72_400 } });
    else expect(outcome).toMatchObject({ ok: false, error: { code: expected } });
  });
});

describe('regressions the fuzzer found', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const reply = (body: string): FakeReply => ({ body });

  it('gives null, not Infinity, for a unit conversion past Number.MAX_VALUE, and a finite rate for 308 digits', async () => {
    const client = scriptedClient(
      reply(
        `{"return_code":0,"atn_stk_infr":[{"stk_cd":"005930","cur_prc":"100","stkcnt":1e308,"mac":"${'9'.repeat(305)}","flu_rt":"${'9'.repeat(308)}"}]}`,
      ),
    );
    const outcome = await settle(client.quotes(['005930']));
    client.close();
    expect(outcome).toMatchObject({ ok: true, value: { quotes: [{ price: 100, listedShares: null, marketCap: null }] } });
    checkOutcome(outcome);
  });

  it('gives no previous close, rather than a negative one, when the change exceeds the price', async () => {
    const client = scriptedClient(
      reply('{"return_code":0,"atn_stk_infr":[{"stk_cd":"005930","cur_prc":"0","pred_pre":"999999999999999"}]}'),
    );
    expect(await settle(client.quotes(['005930']))).toMatchObject({ ok: true, value: { quotes: [{ price: 0, prevClose: null }] } });
    client.close();
  });

  it('rejects a token_type or a candle field nested thousands deep with KIWOOM_BAD_RESPONSE, not a stack overflow', async () => {
    const deepToken = scriptedClient(
      reply('{}'),
      reply(`{"return_code":0,"token":"t","expires_dt":"20991231235959","token_type":${deepText(5_000)}}`),
    );
    expect(await settle(deepToken.stockInfo('005930'))).toMatchObject({
      ok: false,
      error: { code: 'KIWOOM_BAD_RESPONSE', message: 'au10001: unexpected token_type an array of 1' },
    });
    deepToken.close();
    const deepCandle = scriptedClient(reply(`{"return_code":0,"stk_dt_pole_chart_qry":[{"dt":${deepText(5_000)},"cur_prc":"+100"}]}`));
    expect(await settle(deepCandle.dailyCandles('005930', { baseDate: '20250910', adjusted: true }))).toMatchObject({
      ok: false,
      error: { code: 'KIWOOM_BAD_RESPONSE', message: 'ka10081: a row without a valid dt or cur_prc (dt an array of 1, cur_prc "+100")' },
    });
    deepCandle.close();
  });
});
