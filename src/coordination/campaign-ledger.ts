// A budget as one writer keeps it — a campaign's (the campaign workflow alone reserves a row's estimate
// before its run starts and settles it from how the run ended) and an account's day (spend-ledger.ts
// decides with it). One writer, one thread: no two rows can both take the last of the budget. What a run
// spent is read by the money rules (shared/money.ts): an outcome not known counts as spent.
import type { CampaignBudget, RowOutcome } from '../shared/campaigns';

export type BudgetDecision = 'admit' | 'wait' | 'exhausted';

const round = (n: number) => Math.round(n * 1e6) / 1e6;
// Sums of six-decimal prices: a cap met exactly must not be refused by a rounding error.
const EPSILON = 1e-6;

export class CampaignLedger {
  constructor(
    public budget: CampaignBudget | undefined,
    readonly spent: Record<string, number>,
    public reserved = 0,
  ) {}

  /**
   * Whether a row estimated at `estimate` may start: now (it fits beside what is spent and reserved),
   * later (it would fit once running rows release what they did not spend), or never (what is spent
   * already leaves no room: spending only grows).
   */
  decide(estimate: number | undefined, currency: string | undefined): BudgetDecision {
    if (!this.budget) return 'admit';
    // A row without a price in the budget's currency cannot be held to it (the plan refuses such rows).
    if (estimate === undefined || currency !== this.budget.currency) return 'exhausted';
    const spent = this.spent[this.budget.currency] ?? 0;
    if (spent + this.reserved + estimate <= this.budget.cap + EPSILON) return 'admit';
    if (spent + estimate > this.budget.cap + EPSILON) return 'exhausted';
    return 'wait';
  }

  reserve(estimate = 0): void {
    this.reserved = round(this.reserved + estimate);
  }

  /** A row ended: its reservation goes, what it spent is spent (a failed task spends nothing). */
  settle(estimate = 0, spent?: { amount: number; currency: string }): void {
    this.reserved = Math.max(0, round(this.reserved - estimate));
    if (spent) this.spent[spent.currency] = round((this.spent[spent.currency] ?? 0) + spent.amount);
  }
}

/**
 * What a row's run spent, for the campaign's books: what it was billed, and what it may have been billed
 * without its being known; a run without a record spends its whole estimate. Undefined: nothing.
 */
export function rowSpent(
  row: { estimate?: number; currency?: string },
  outcome: Pick<RowOutcome, 'billed' | 'atRisk' | 'recordless' | 'currency'>,
): { amount: number; currency: string } | undefined {
  const currency = outcome.currency ?? row.currency;
  if (outcome.recordless)
    return row.estimate !== undefined && row.currency
      ? { amount: row.estimate, currency: row.currency }
      : undefined;
  const amount = round((outcome.billed ?? 0) + (outcome.atRisk ?? 0));
  return amount > 0 && currency ? { amount, currency } : undefined;
}
