// What one account may run of each model at once and how fast it may submit: Model Studio limits every
// account per model (summed over its keys). Published for the image models (5 submits/s, 5 concurrent);
// for the video models only hints exist (300 per minute, 5 concurrent for i2v), so the unknown ones are
// set stricter. Configuration, not truth: a caller with its account's own figures passes its own table.
import { FAMILIES, IMAGE_FAMILIES } from '../wan/registry';

export interface ModelLimits {
  /** Tasks PENDING or RUNNING at once. */
  concurrentTasks: number;
  /** Creates per second. */
  submitsPerSecond?: number;
}

/** Each model's published or hinted figures, from the registry. Wan 3.0 has none: the strictest below,
 * until the account's own are configured. */
export const DEFAULT_ACCOUNT_LIMITS: Record<string, ModelLimits> = Object.fromEntries(
  [...FAMILIES, ...IMAGE_FAMILIES].flatMap((f) =>
    f.models.flatMap((m) => (m.accountLimits ? [[m.id, m.accountLimits]] : [])),
  ),
);

/** A model not in the table gets the strictest figures: one task at a time. */
export const UNKNOWN_MODEL_LIMITS: ModelLimits = { concurrentTasks: 1, submitsPerSecond: 1 };

export function limitsOf(table: Record<string, ModelLimits>, model: string): ModelLimits {
  return table[model] ?? UNKNOWN_MODEL_LIMITS;
}

/**
 * How often a slot workflow checks that its holders still run (a terminated job cannot give its slot
 * back): the paid API's tasks take minutes, so every 5 min; the simulator's seconds, so every 2 s.
 */
export const LIVE_SLOT_CHECK_MS = 5 * 60_000;
export const SIMULATOR_SLOT_CHECK_MS = 2_000;
