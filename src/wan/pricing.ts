// Cost arithmetic over a price table that comes from configuration (contract §7: billed per second of
// generated video; failed tasks are free).
import type { RegionId } from './regions';
import type { Resolution } from './models';

export interface PriceEntry {
  route: string;
  region: RegionId | '*';
  model: string;
  resolution: Resolution;
  perSecond: number;
  currency: string;
  /** Where the figure comes from and when it was read. */
  source: string;
}

export interface CostFigure {
  amount: number;
  currency: string;
  perSecond: number;
  seconds: number;
  source: string;
}

export function findPrice(
  table: readonly PriceEntry[],
  key: { route: string; region: RegionId; model: string; resolution: Resolution },
): PriceEntry | undefined {
  return (
    table.find(
      (p) =>
        p.route === key.route &&
        p.region === key.region &&
        p.model === key.model &&
        p.resolution === key.resolution,
    ) ??
    table.find(
      (p) =>
        p.route === key.route && p.region === '*' && p.model === key.model && p.resolution === key.resolution,
    )
  );
}

export function costOf(price: PriceEntry | undefined, seconds: number): CostFigure | undefined {
  if (!price) return undefined;
  return {
    amount: Math.round(price.perSecond * seconds * 1e6) / 1e6,
    currency: price.currency,
    perSecond: price.perSecond,
    seconds,
    source: price.source,
  };
}

/** The billed figure at the estimate's price, for the seconds the provider reported in `usage`. */
export function billedAt(
  estimate: CostFigure | undefined,
  seconds: number | undefined,
): CostFigure | undefined {
  if (!estimate || seconds === undefined) return undefined;
  return { ...estimate, seconds, amount: Math.round(estimate.perSecond * seconds * 1e6) / 1e6 };
}
