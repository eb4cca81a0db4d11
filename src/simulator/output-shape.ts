// What the simulated service would produce for a request: pixel size and ratio (following the input's
// aspect where the model does), output seconds, and the input video seconds it bills. Inputs are fetched
// and probed for real, so an unreachable URL fails here as it would at the service.
import { OUTPUT_SIZES, nearestRatio, type Ratio } from '../wan/models';
import { mediaFieldsOf } from '../wan/media-roles';
import { isImageRequest, isTypedMediaRequest, type WanRequest } from '../wan/validation';
import { familyOf } from '../wan/registry';
import type { ModelFamily } from '../wan/registry/family';
import { imagePixels } from '../wan/image-requests';
import type { MediaProbe } from '../media/probe';
import { fetchAndProbe, InputFetchError } from './media-inputs';

export interface OutputShape {
  width: number;
  height: number;
  /** Video ratio; image tasks have none. */
  ratio?: Ratio;
  outputSeconds: number;
  inputVideoSeconds: number;
  images?: number;
}

/** `locate` maps a media URL to what can be fetched (`oss://` uploads to their local files). */
export async function outputShape(
  request: WanRequest,
  locate: (url: string) => string,
): Promise<OutputShape> {
  const probed = await Promise.all(
    mediaFieldsOf(request).map(async (f) => ({
      role: f.role,
      probe: await fetchAndProbe(locate(f.url), { probe: f.rule.kind !== 'document' }),
    })),
  );
  const first = (...roles: string[]): MediaProbe | undefined =>
    probed.find((p) => roles.includes(p.role))?.probe;
  const seconds = (...roles: string[]) =>
    probed.filter((p) => roles.includes(p.role)).reduce((sum, p) => sum + (p.probe.durationSeconds ?? 0), 0);
  const aspectOf = (probe: MediaProbe | undefined): Ratio => {
    if (!probe?.video) throw new InputFetchError('the visual input has no picture');
    return nearestRatio(probe.video.width, probe.video.height);
  };
  if (isImageRequest(request)) {
    return {
      ...imagePixels(request.parameters.size),
      outputSeconds: 0,
      inputVideoSeconds: 0,
      images: request.parameters.n,
    };
  }
  const { resolution, duration } = request.parameters;
  const shape = (ratio: Ratio, outputSeconds: number, inputVideoSeconds: number): OutputShape => ({
    ...OUTPUT_SIZES[resolution][ratio],
    ratio,
    outputSeconds,
    inputVideoSeconds: Math.round(inputVideoSeconds * 100) / 100,
  });
  if (isTypedMediaRequest(request)) {
    const family = familyOf(request.model)!;
    const visual = first('first_frame', 'reference_image', 'reference_video');
    const ratio = request.parameters.ratio;
    const inputSeconds = seconds('reference_video');
    return shape(
      ratio === undefined || ratio === 'adaptive' ? (visual ? aspectOf(visual) : '16:9') : (ratio as Ratio),
      duration === family.parameters.duration.auto
        ? modelChosenSeconds(request.input.prompt, family, inputSeconds)
        : duration,
      inputSeconds,
    );
  }
  switch (request.model) {
    case 'wan2.7-t2v':
      return shape(request.parameters.ratio, duration, 0);
    case 'wan2.7-i2v':
      return shape(aspectOf(first('first_frame', 'first_clip')), duration, 0);
    case 'wan2.7-r2v': {
      const frame = first('first_frame');
      return shape(frame ? aspectOf(frame) : request.parameters.ratio, duration, seconds('reference_video'));
    }
    case 'wan2.7-videoedit': {
      const video = first('video');
      const inputSeconds = seconds('video');
      return shape(
        request.parameters.ratio ?? aspectOf(video),
        duration === 0 ? Math.round(inputSeconds) : duration,
        inputSeconds,
      );
    }
  }
}

/** What the model picks for `duration: -1`: a length from the prompt, within what the input leaves. It
 * is rarely the most it may be, so a quote at the maximum and a bill as reported differ, as they will. */
function modelChosenSeconds(prompt: string | undefined, family: ModelFamily, inputSeconds: number): number {
  const { min } = family.parameters.duration;
  const cap = family.parameters.maxInputPlusOutputSeconds ?? family.output.maxSeconds;
  const most = Math.max(min, Math.min(family.output.maxSeconds, Math.floor(cap - inputSeconds)));
  return Math.min(most, min + ((prompt ?? '').length % 9) + 3);
}
