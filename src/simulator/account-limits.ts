// The account limits Model Studio enforces, so campaigns and benchmarks meet the real shape of the
// problem (contract §7): tasks PENDING or RUNNING at once per account and model (beyond them a create gets
// 429 Throttling.RateQuota), creates per second per account and model, a growth-rate burst guard (a second
// with many more creates than the minute before it gets 429 Throttling.BurstRate, below every other
// limit), and task queries per second per account (20 on the real service). An account is a key here;
// every limit is off until configured.
import { z } from 'zod';
import type { TaskTable } from './task-table';

export const accountLimitsSchema = z.strictObject({
  /** Tasks PENDING or RUNNING at once, per key and model; a model not named is not limited. */
  concurrentTasks: z.record(z.string(), z.number().int().min(1)).default({}),
  /** Creates per second, per key and model (0: not limited). */
  submitsPerSecond: z.number().min(0).default(0),
  /** Task queries (`GET /tasks/<id>`) per second, per key (0: not limited). */
  queriesPerSecond: z.number().min(0).default(0),
  /**
   * The burst guard, per key and model: a create is refused while the second before it already holds
   * `floorPerSecond` creates and more than `growth` times the minute's average per second (off when absent).
   */
  burst: z.strictObject({ floorPerSecond: z.number().min(1), growth: z.number().min(1) }).optional(),
});
export type AccountLimits = z.output<typeof accountLimitsSchema>;

/** A create refused by a limit: the 429's code and message. */
export interface Refusal {
  code: 'Throttling.RateQuota' | 'Throttling.BurstRate';
  message: string;
}

const MINUTE_MS = 60_000;

export class AccountGuard {
  private readonly creates = new Map<string, number[]>();
  private readonly queries = new Map<string, number[]>();
  /** Creates accepted in the last minute, per key and model: what the burst guard compares against. */
  private readonly accepted = new Map<string, number[]>();

  constructor(
    public limits: AccountLimits,
    private readonly tasks: TaskTable,
  ) {}

  /** Why a create of `model` under `keyLabel` is refused now, or undefined when it may go ahead. */
  refuseCreate(keyLabel: string, model: string, now: number): Refusal | undefined {
    const cap = this.limits.concurrentTasks[model];
    if (cap !== undefined) {
      const active = this.tasks
        .all()
        .filter((t) => t.keyLabel === keyLabel && t.model === model)
        .filter((t) => ['PENDING', 'RUNNING'].includes(this.tasks.statusOf(t, now))).length;
      if (active >= cap)
        return {
          code: 'Throttling.RateQuota',
          message: `Too many concurrent tasks for ${model}: ${active} of ${cap} in progress.`,
        };
    }
    const key = `${keyLabel} ${model}`;
    if (this.limits.burst && this.bursting(key, now))
      return { code: 'Throttling.BurstRate', message: 'Request rate increased too quickly.' };
    if (!withinRate(this.creates, key, this.limits.submitsPerSecond, now))
      return {
        code: 'Throttling.RateQuota',
        message: 'Requests rate limit exceeded, please try again later.',
      };
    this.accepted.set(key, [...(this.accepted.get(key) ?? []).filter((t) => t > now - MINUTE_MS), now]);
    return undefined;
  }

  /** Whether the last second's accepted creates already outgrow the minute before it. */
  private bursting(key: string, now: number): boolean {
    const { floorPerSecond, growth } = this.limits.burst!;
    const minute = (this.accepted.get(key) ?? []).filter((t) => t > now - MINUTE_MS);
    const lastSecond = minute.filter((t) => t > now - 1000).length;
    const before = (minute.length - lastSecond) / (MINUTE_MS / 1000 - 1);
    return lastSecond >= Math.max(floorPerSecond, growth * before);
  }

  /** Whether one more task query under `keyLabel` fits its per-second budget (and counts it if so). */
  admitQuery(keyLabel: string, now: number): boolean {
    return withinRate(this.queries, keyLabel, this.limits.queriesPerSecond, now);
  }

  reset(limits: AccountLimits): void {
    this.limits = limits;
    this.creates.clear();
    this.queries.clear();
    this.accepted.clear();
  }
}

/** A one-second sliding window: true (and counted) while fewer than `perSecond` calls were made in it. */
function withinRate(windows: Map<string, number[]>, key: string, perSecond: number, now: number): boolean {
  if (!perSecond) return true;
  const recent = (windows.get(key) ?? []).filter((t) => t > now - 1000);
  if (recent.length >= perSecond) {
    windows.set(key, recent);
    return false;
  }
  windows.set(key, [...recent, now]);
  return true;
}
