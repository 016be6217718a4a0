// kiwoom-rest.md §9 item 17: the same seed and simulated clock give byte-identical responses.
import { describe, expect, it } from 'vitest';
import { startTestSim, type TestSim } from './harness.js';

const calls: readonly (readonly [string, Record<string, string>])[] = [
  ['ka10001', { stk_cd: '005930' }],
  ['ka10095', { stk_cd: '005930|000660|0015N0|069500|999999' }],
  ['ka10081', { stk_cd: '000660', base_dt: '20250910', upd_stkpc_tp: '1' }],
  ['ka10086', { stk_cd: '005930', qry_dt: '20250910', indc_tp: '0' }],
  ['ka10099', { mrkt_tp: '0' }],
  ['ka20001', { mrkt_tp: '1', inds_cd: '101' }],
];

async function transcript(t: TestSim): Promise<string[]> {
  const out: string[] = [];
  const token = await t.post('/oauth2/token', { grant_type: 'client_credentials', appkey: t.config.appKey, secretkey: t.config.secretKey });
  out.push(token.text);
  for (const [apiId, body] of calls) {
    const r = await t.tr(apiId, body);
    out.push(`${r.status} ${r.headers.get('cont-yn')} ${r.headers.get('next-key')} ${r.text}`);
  }
  return out;
}

describe('determinism', () => {
  it('gives byte-identical responses for the same seed and clock', async () => {
    const env = { KIWOOM_SIM_SEED: '42', KIWOOM_SIM_PAGE_SIZE: '10' };
    const a = await transcript(await startTestSim({ env }));
    const b = await transcript(await startTestSim({ env }));
    expect(a).toEqual(b);
    expect(a.join('\n')).toContain('"return_code":0');
  });

  it('gives different tokens and derived fields for another seed', async () => {
    const a = await transcript(await startTestSim({ env: { KIWOOM_SIM_SEED: '1' } }));
    const b = await transcript(await startTestSim({ env: { KIWOOM_SIM_SEED: '2' } }));
    expect(a[0]).not.toBe(b[0]);
    expect(a[1]).not.toBe(b[1]);
  });
});
