// What one account may run of each model at once and how fast it may submit: Model Studio limits every
// account per model (summed over its keys). Published for the image models (5 submits/s, 5 concurrent);
// for the video models only hints exist (300 per minute, 5 concurrent for i2v), so the unknown ones are
// set stricter. Configuration, not truth: a caller with its account's own figures passes its own table.
export interface ModelLimits {
  /** Tasks PENDING or RUNNING at once. */
  concurrentTasks: number;
  /** Creates per second. */
  submitsPerSecond?: number;
}

export const DEFAULT_ACCOUNT_LIMITS: Record<string, ModelLimits> = {
  'wan2.7-image': { concurrentTasks: 5, submitsPerSecond: 5 },
  'wan2.7-image-pro': { concurrentTasks: 5, submitsPerSecond: 5 },
  'wan2.7-i2v': { concurrentTasks: 5, submitsPerSecond: 5 },
  'wan2.7-t2v': { concurrentTasks: 2, submitsPerSecond: 1 },
  'wan2.7-r2v': { concurrentTasks: 2, submitsPerSecond: 1 },
  'wan2.7-videoedit': { concurrentTasks: 2, submitsPerSecond: 1 },
};

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
