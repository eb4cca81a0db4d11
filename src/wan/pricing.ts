// Cost arithmetic over a price table that comes from configuration (contract §7: video is billed per
// second generated — plus input video seconds for r2v and videoedit — images per image; failed tasks are
// free).
import type { RegionId } from './regions';
import type { Resolution } from './models';

export type PriceUnit = 'second' | 'image';

export interface PriceEntry {
  route: string;
  region: RegionId | '*';
  model: string;
  /** Video prices depend on resolution; image prices leave it out. */
  resolution?: Resolution;
  unit: PriceUnit;
  perUnit: number;
  currency: string;
  /** Where the figure comes from and when it was read. */
  source: string;
}

export interface CostFigure {
  amount: number;
  currency: string;
  unit: PriceUnit;
  perUnit: number;
  quantity: number;
  source: string;
}

export interface PriceKey {
  route: string;
  region: RegionId;
  model: string;
  resolution?: Resolution;
}

export function findPrice(table: readonly PriceEntry[], key: PriceKey): PriceEntry | undefined {
  const matches = (p: PriceEntry, region: PriceEntry['region']) =>
    p.route === key.route && p.region === region && p.model === key.model && p.resolution === key.resolution;
  return table.find((p) => matches(p, key.region)) ?? table.find((p) => matches(p, '*'));
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

export function costOf(price: PriceEntry | undefined, quantity: number): CostFigure | undefined {
  if (!price) return undefined;
  return {
    amount: round(price.perUnit * quantity),
    currency: price.currency,
    unit: price.unit,
    perUnit: price.perUnit,
    quantity,
    source: price.source,
  };
}

/** The billed figure at the estimate's price, for the quantity the provider reported in `usage`. */
export function billedAt(
  estimate: CostFigure | undefined,
  quantity: number | undefined,
): CostFigure | undefined {
  if (!estimate || quantity === undefined) return undefined;
  return { ...estimate, quantity, amount: round(estimate.perUnit * quantity) };
}
