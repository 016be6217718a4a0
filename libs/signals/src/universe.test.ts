import { describe, expect, it } from 'vitest';
import { aStock } from '../test/builders.js';
import { isSignalUniverse, universeExclusion } from './universe.js';

describe('isSignalUniverse', () => {
  it('keeps KOSPI and KOSDAQ common stocks', () => {
    for (const name of ['삼성전자', 'SK하이닉스', '메리츠금융지주', 'ACE테크', 'SOLUM', 'SPACEX코리아', '대우건설']) {
      expect(isSignalUniverse(aStock({ name })), name).toBe(true);
    }
    expect(isSignalUniverse(aStock({ market: 'KOSDAQ', name: '에코프로' }))).toBe(true);
  });

  it.each([
    ['KODEX 200', 'ETF/ETN brand KODEX'],
    ['TIGER 미국S&P500', 'ETF/ETN brand TIGER'],
    ['KBSTAR 200', 'ETF/ETN brand KBSTAR'],
    ['ARIRANG 고배당주', 'ETF/ETN brand ARIRANG'],
    ['HANARO Fn K-뉴딜디지털플러스', 'ETF/ETN brand HANARO'],
    ['SOL 조선TOP3플러스', 'ETF/ETN brand SOL'],
    ['ACE KRX금현물', 'ETF/ETN brand ACE'],
    ['RISE 200', 'ETF/ETN brand RISE'],
    ['PLUS 고배당주', 'ETF/ETN brand PLUS'],
    ['KIWOOM 국고채10년', 'ETF/ETN brand KIWOOM'],
    ['신한 WTI원유 선물 ETN', 'name contains ETN'],
    ['하나금융30호스팩', 'name contains 스팩'],
    ['DB금융SPAC11호', 'name contains SPAC'],
    ['SK리츠', 'name contains 리츠'],
    ['삼성 인버스 2X 코스닥150 선물 ETN', 'name contains ETN'],
    ['대신 인버스 원유', 'name contains 인버스'],
    ['미래 레버리지 금', 'name contains 레버리지'],
    ['삼성전자우', 'preferred share by name'],
    ['현대차2우B', 'preferred share by name'],
    ['대신증권우C', 'preferred share by name'],
    ['CJ1우(전환)', 'preferred share by name'],
    ['LG화학우B', 'preferred share by name'],
  ])('excludes %s by name (%s)', (name, reason) => {
    expect(universeExclusion(aStock({ name }))).toBe(reason);
  });

  it('excludes by kind, 관리종목 and suspension', () => {
    expect(universeExclusion(aStock({ kind: 'etf' }))).toBe('kind etf');
    expect(universeExclusion(aStock({ kind: 'etn' }))).toBe('kind etn');
    expect(universeExclusion(aStock({ kind: 'preferred' }))).toBe('kind preferred');
    expect(universeExclusion(aStock({ isManaged: true }))).toBe('관리종목');
    expect(universeExclusion(aStock({ isSuspended: true }))).toBe('suspended');
  });
});
