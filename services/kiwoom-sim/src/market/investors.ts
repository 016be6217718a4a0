import type { Rng } from './random.js';

/** Net buying in shares by investor group for one day. */
export interface InvestorNet {
  readonly foreignNet: number;
  readonly institutionNet: number;
  readonly individualNet: number;
}

/** Share of the day's volume a group may net-buy or net-sell at most. */
const MAX_NET_SHARE = 0.3;
/** 기타법인 and others keep a small remainder, so the three groups cancel only roughly. */
const OTHER_SHARE_SD = 0.004;

const clampShare = (share: number): number => Math.max(-MAX_NET_SHARE, Math.min(MAX_NET_SHARE, share));

/** Net buying from the shares of volume foreigners and institutions took; individuals take the other side. */
export function investorNet(volume: number, foreignShare: number, institutionShare: number, rng: Rng): InvestorNet {
  const foreignNet = Math.round(volume * clampShare(foreignShare));
  const institutionNet = Math.round(volume * clampShare(institutionShare));
  const other = Math.round(volume * OTHER_SHARE_SD * rng.normal());
  return { foreignNet, institutionNet, individualNet: -(foreignNet + institutionNet + other) };
}

/**
 * An ordinary day's split: foreigners and institutions lean with the day's move (`move` is the
 * return in standard deviations), individuals against it.
 */
export function ordinaryInvestorNet(volume: number, move: number, rng: Rng): InvestorNet {
  const foreignShare = 0.03 * move + 0.05 * rng.normal();
  const institutionShare = 0.02 * move + 0.04 * rng.normal();
  return investorNet(volume, foreignShare, institutionShare, rng);
}

/** Intraday figures are provisional: the final split scaled by the share of the day's volume so far. */
export function partialInvestorNet(final: InvestorNet, fraction: number): InvestorNet {
  const foreignNet = Math.round(final.foreignNet * fraction);
  const institutionNet = Math.round(final.institutionNet * fraction);
  const individualNet = Math.round(final.individualNet * fraction);
  return { foreignNet, institutionNet, individualNet };
}
