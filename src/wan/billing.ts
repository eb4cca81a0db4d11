// What a request will be billed for and how long it should take (contract §7): video per second of
// output plus billed input video seconds (Wan 2.7's r2v and videoedit, Wan 3.0's reference videos);
// images per image. Pure.
import { DEFAULT_TIMING, expectedTaskSeconds, type TaskTimingModel } from './timing';
import type { PriceUnit } from './pricing';
import type { Resolution } from './models';
import { isImageRequest, isTypedMediaRequest, type WanRequest } from './validation';
import { familyOf } from './registry';
import { planTypedMedia } from './registry/typed-media-plan';

export interface WorkPlan {
  unit: PriceUnit;
  /** Billed seconds or images on success. */
  quantity: number;
  /** Video only: the price key and the output length. */
  resolution?: Resolution;
  outputSeconds?: number;
  expectedTaskSeconds: number;
  /** The model chooses the length (Wan 3.0's `duration: -1`): estimated at the most it may be, billed as
   * the task reports. */
  lengthChosenByModel?: true;
}

/** `inputVideoSeconds`: the probed length of billed input video (media-totals' billedInputSeconds). */
export function planWork(request: WanRequest, inputVideoSeconds: number, timing?: TaskTimingModel): WorkPlan {
  if (isImageRequest(request)) {
    const n = request.parameters.n;
    const t = timing ?? DEFAULT_TIMING;
    return { unit: 'image', quantity: n, expectedTaskSeconds: t.imageBaseSeconds + t.perImageSeconds * n };
  }
  const { resolution, duration } = request.parameters;
  if (isTypedMediaRequest(request)) {
    const plan = planTypedMedia(familyOf(request.model)!, request, inputVideoSeconds);
    return {
      unit: 'second',
      quantity: plan.quantity,
      resolution,
      outputSeconds: plan.outputSeconds,
      expectedTaskSeconds: expectedTaskSeconds(resolution, plan.outputSeconds, timing),
      ...(plan.lengthChosenByModel ? { lengthChosenByModel: true as const } : {}),
    };
  }
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
