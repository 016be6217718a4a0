/**
 * fast-check arbitraries for malformed Kiwoom responses: bodies shaped like each TR's (ka10095,
 * ka10001, ka20001, ka10081) with every number field written the odd ways Kiwoom could, fields of
 * the wrong type or missing, broken envelopes, truncated or non-JSON text, and lying paging headers.
 */
import fc from 'fast-check';
import { OK_MSG, fixtureJson } from './fake-kiwoom.js';

/** A JSON value of any type, small. */
export const junkArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 10 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

/** Nested arrays a few thousand deep, as text (JSON.parse copes; a recursive JSON.stringify does not). */
export const deepText = (depth: number, inner = '"x"'): string => '['.repeat(depth) + inner + ']'.repeat(depth);

/** A Kiwoom number field: plausible, quirky, or not a number at all. */
const numberFieldArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.constantFrom('', '+', '-', '--', '+0', '00'))
      .map(([n, sign]) => `${sign}${Math.abs(n)}`),
  },
  { weight: 1, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((d) => d.toFixed(2)) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '+-',
      '-+',
      '--',
      '++',
      '-',
      '+',
      '1e999',
      '1e3',
      '-1e999',
      'NaN',
      'Infinity',
      '-Infinity',
      '0x1F',
      '１２３',
      '1,2,3',
      ',',
      '.',
      '1.',
      '.5',
      '1..2',
      '-0',
      '+0.00',
      '4294967295',
      '-2147483647',
      '٣٤',
      '1_000',
      ' 1,234 ',
      '12 34',
    ),
  },
  // Digit runs up to and past Number.MAX_VALUE, with a sign now and then.
  {
    weight: 2,
    arbitrary: fc.tuple(fc.integer({ min: 15, max: 400 }), fc.constantFrom('', '+', '-')).map(([n, sign]) => `${sign}${'9'.repeat(n)}`),
  },
  { weight: 1, arbitrary: fc.oneof(fc.double(), fc.integer(), fc.constant(1e308)) },
  { weight: 1, arbitrary: junkArb },
);

const dateFieldArb = fc.oneof(fc.constantFrom('20250910', '20250230', '00000000', '2025-09-10', '', '99999999', '19000101'), junkArb);
const timeFieldArb = fc.oneof(fc.constantFrom('151957', '999999', '888888', '246060', '', '1519'), junkArb);
const codeFieldArb = (code: string): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(code, `A${code}`, `${code}_AL`, ` ${code} `) },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom('', '000000', 'ABCDEF'), junkArb) },
  );

/** A row of `fields` numeric fields plus the given extras, any of them missing. */
const rowArb = (numeric: readonly string[], extra: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> =>
  fc.record({ ...Object.fromEntries(numeric.map((name) => [name, numberFieldArb])), ...extra }, { requiredKeys: [] });

const KA10095_NUMERIC = Object.keys((fixtureJson('ka10095.success')['atn_stk_infr'] as Record<string, unknown>[])[0] ?? {}).filter(
  (k) => !['stk_cd', 'stk_nm', 'cntr_tm', 'dt', 'pred_pre_sig'].includes(k),
);
const KA10001_NUMERIC = Object.keys(fixtureJson('ka10001.success')).filter(
  (k) => !['stk_cd', 'stk_nm', 'pre_sig', 'return_code', 'return_msg'].includes(k) && !k.endsWith('_dt'),
);
const KA20001_NUMERIC = Object.keys(fixtureJson('ka20001.kospi-mock')).filter(
  (k) => !['inds_cur_prc_tm', 'pred_pre_sig', 'return_code', 'return_msg'].includes(k) && !k.endsWith('_dt'),
);
const KA10081_NUMERIC = ['cur_prc', 'trde_qty', 'trde_prica', 'open_pric', 'high_pric', 'low_pric', 'pred_pre', 'trde_tern_rt'];

const signArb = fc.oneof(fc.constantFrom('1', '2', '3', '4', '5', '', '9'), junkArb);
const returnCodeArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<unknown>(0, '0', ' 0 ') },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom<unknown>(1, 2, 3, 5, 99, '1700', -1, 1.5), junkArb) },
);
const returnMsgArb = fc.oneof(
  fc.constant(OK_MSG),
  fc.constantFrom(
    '허용된 요청 개수를 초과하였습니다[1700:유량=100, API ID=ka10095]',
    '인증에 실패했습니다[8005:Token이 유효하지 않습니다]',
    '[1999:예기치 못한 에러]',
    '[9999:?]',
    '[12:',
  ),
  junkArb,
);

/** A success-shaped body around `payload`, with the envelope fields fuzzed or missing. */
export const envelopeArb = (payload: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .tuple(payload, fc.record({ return_code: returnCodeArb, return_msg: returnMsgArb }, { requiredKeys: [] }))
    .map(([p, e]) => ({ ...p, ...e }));

/** Bodies that are not a JSON object, or are one only in part. */
const brokenTextArb = (valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<string> =>
  fc.oneof(
    fc.tuple(valid, fc.nat()).map(([body, at]) => {
      const text = JSON.stringify(body);
      return text.slice(0, at % text.length);
    }),
    fc.constantFrom(
      '',
      'null',
      '[]',
      '"ok"',
      '0',
      '{',
      '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
      '<!DOCTYPE html><html><body>점검 중입니다</body></html>',
      'Service Unavailable',
      '\ufeff{"return_code":0}',
    ),
    fc.integer({ min: 1_000, max: 6_000 }).map((d) => `{"return_code":0,"return_msg":${deepText(d)},"token_type":${deepText(d)}}`),
  );

export interface FuzzReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Replies around bodies like `valid`, plus broken ones and any `texts` a TR needs (deep nesting, written as text). */
export const replyArb = (
  valid: fc.Arbitrary<Record<string, unknown>>,
  texts: fc.Arbitrary<string> = brokenTextArb(valid),
): fc.Arbitrary<FuzzReply> =>
  fc.record({
    status: fc.oneof(
      { weight: 8, arbitrary: fc.constant(200) },
      { weight: 2, arbitrary: fc.constantFrom(201, 301, 400, 401, 403, 404, 408, 429, 500, 502, 503) },
    ),
    headers: fc.record(
      {
        'content-type': fc.constantFrom(
          'application/json;charset=UTF-8',
          'text/html',
          'text/plain; charset=euc-kr',
          'application/octet-stream',
        ),
        'cont-yn': fc.constantFrom('N', 'Y', '', 'y', ' Y ', 'maybe'),
        'next-key': fc.constantFrom('', 'k1', 'k2', ' ', '0'),
      },
      { requiredKeys: [] },
    ),
    body: fc.oneof(
      { weight: 5, arbitrary: valid.map((b) => JSON.stringify(b)) },
      { weight: 1, arbitrary: fc.oneof(brokenTextArb(valid), texts) },
    ),
  });

export const requestedArb = fc.uniqueArray(fc.constantFrom('005930', '000660', '035720', '0015N0', '005380', '051910'), {
  minLength: 1,
  maxLength: 4,
});

const quoteRowArb = (code: string): fc.Arbitrary<Record<string, unknown>> =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: rowArb(KA10095_NUMERIC, {
        stk_cd: codeFieldArb(code),
        stk_nm: fc.string({ maxLength: 8 }),
        pred_pre_sig: signArb,
        cntr_tm: timeFieldArb,
        dt: dateFieldArb,
      }),
    },
    // Kiwoom's unknown-ticker row: every field blank.
    { weight: 1, arbitrary: fc.constant(Object.fromEntries([...KA10095_NUMERIC, 'stk_cd', 'stk_nm'].map((k) => [k, '']))) },
  );

export const quotesBodyArb = (codes: readonly string[]): fc.Arbitrary<Record<string, unknown>> =>
  envelopeArb(
    fc
      .oneof(
        { weight: 8, arbitrary: fc.tuple(...codes.map((code) => quoteRowArb(code))) },
        { weight: 1, arbitrary: fc.array(quoteRowArb(codes[0] ?? '005930'), { maxLength: 6 }) },
        { weight: 1, arbitrary: fc.oneof(junkArb, fc.constant(undefined)) },
      )
      .map((rows) => ({ atn_stk_infr: rows })),
  );

export const stockInfoBodyArb = envelopeArb(
  rowArb(KA10001_NUMERIC, {
    stk_cd: codeFieldArb('005930'),
    stk_nm: fc.string({ maxLength: 8 }),
    pre_sig: signArb,
    '250hgst_pric_dt': dateFieldArb,
    '250lwst_pric_dt': dateFieldArb,
  }),
);

export const indexBodyArb = envelopeArb(
  fc
    .tuple(
      rowArb(KA20001_NUMERIC, { pred_pre_sig: signArb, '52wk_hgst_pric_dt': dateFieldArb, '52wk_lwst_pric_dt': dateFieldArb }),
      fc.oneof(
        fc.array(
          rowArb(['cur_prc_n', 'pred_pre_n', 'flu_rt_n', 'trde_qty_n', 'acc_trde_qty_n'], { tm_n: timeFieldArb, pred_pre_sig_n: signArb }),
          { maxLength: 4 },
        ),
        junkArb,
      ),
    )
    .map(([fields, ticks]) => ({ ...fields, inds_cur_prc_tm: ticks })),
);

export const candlesBodyArb = envelopeArb(
  fc
    .oneof(fc.array(rowArb(KA10081_NUMERIC, { dt: dateFieldArb, pred_pre_sig: signArb }), { maxLength: 4 }), junkArb)
    .map((rows) => ({ stk_cd: '005930', stk_dt_pole_chart_qry: rows })),
);

/** A candle row with a field nested thousands deep: its error message must not overflow the stack. */
export const deepCandleTextArb = fc
  .integer({ min: 1_000, max: 6_000 })
  .map((d) => `{"return_code":0,"stk_cd":"005930","stk_dt_pole_chart_qry":[{"dt":${deepText(d)},"cur_prc":"+100"}]}`);
