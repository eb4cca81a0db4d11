// A campaign's budget as one writer keeps it: the campaign workflow alone reserves a row's estimate before
// its run starts, settles it from what the run was billed, and releases what a failed task did not cost.
// One writer, one thread: no two rows can both take the last of the budget.
import type { CampaignBudget } from '../shared/campaigns';

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

  /** A row ended: its reservation goes, what it was billed is spent (a failed task bills nothing). */
  settle(estimate = 0, billed?: { amount: number; currency: string }): void {
    this.reserved = Math.max(0, round(this.reserved - estimate));
    if (billed) this.spent[billed.currency] = round((this.spent[billed.currency] ?? 0) + billed.amount);
  }
}
