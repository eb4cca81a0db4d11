// How long a video task is expected to take (contract §7: usually 1–5 min, 80 s to 12 min seen).
// Polling starts from this estimate, so it is configuration with defaults fitted to those figures.
import type { Resolution } from './models';

export interface TaskTimingModel {
  /** Queue plus fixed start-up, seconds. */
  baseSeconds: number;
  /** Generation seconds per output second at 720P. */
  perOutputSecond720: number;
  /** Multipliers for 1080P and 480P (Wan 3.0). */
  factor1080: number;
  factor480: number;
  /** Image tasks: fixed seconds plus seconds per image (not published; seconds to a minute seen). */
  imageBaseSeconds: number;
  perImageSeconds: number;
}

export const DEFAULT_TIMING: TaskTimingModel = {
  baseSeconds: 45,
  perOutputSecond720: 12,
  factor1080: 1.5,
  // Not published: fewer pixels, assumed half again quicker than 720P until learned from finished tasks.
  factor480: 0.66,
  imageBaseSeconds: 15,
  perImageSeconds: 5,
};

export function expectedTaskSeconds(
  resolution: Resolution,
  durationSeconds: number,
  timing: TaskTimingModel = DEFAULT_TIMING,
): number {
  const factor = { '480P': timing.factor480, '720P': 1, '1080P': timing.factor1080 }[resolution];
  const perSecond = timing.perOutputSecond720 * factor;
  return timing.baseSeconds + perSecond * durationSeconds;
}
