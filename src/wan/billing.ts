// What a request will be billed for and how long it should take (contract §7): video per second of
// output plus input video seconds for r2v and videoedit; images per image. Pure.
import { DEFAULT_TIMING, expectedTaskSeconds, type TaskTimingModel } from './timing';
import type { PriceUnit } from './pricing';
import type { Resolution } from './models';
import { isImageRequest, type WanRequest } from './validation';

export interface WorkPlan {
  unit: PriceUnit;
  /** Billed seconds or images on success. */
  quantity: number;
  /** Video only: the price key and the output length. */
  resolution?: Resolution;
  outputSeconds?: number;
  expectedTaskSeconds: number;
}

/** `inputVideoSeconds`: the probed length of billed input video (r2v references, videoedit's video). */
export function planWork(request: WanRequest, inputVideoSeconds: number, timing?: TaskTimingModel): WorkPlan {
  if (isImageRequest(request)) {
    const n = request.parameters.n;
    const t = timing ?? DEFAULT_TIMING;
    return { unit: 'image', quantity: n, expectedTaskSeconds: t.imageBaseSeconds + t.perImageSeconds * n };
  }
  const { resolution, duration } = request.parameters;
  // videoedit's duration 0 keeps the input's length.
  const outputSeconds = duration === 0 ? inputVideoSeconds : duration;
  return {
    unit: 'second',
    quantity: Math.round((outputSeconds + inputVideoSeconds) * 100) / 100,
    resolution,
    outputSeconds,
    expectedTaskSeconds: expectedTaskSeconds(resolution, outputSeconds, timing),
  };
}
