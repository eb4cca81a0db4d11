// inference.sh's Wan 2.7 apps (contract §8): `alibaba/wan-2-7-<kind>`, each a thin app over Model Studio
// run on the user's own Model Studio key (Singapore). The apps' input schemas are not published; they wrap
// the same model, so wanflow sends Wan's own field names, `input` and `parameters` side by side in one
// object (images: the prompt and the input images by name). Every Wan 2.7 model and mode is served; no
// Wan 3.0 app is published, so Wan 3.0 is not.
import { MODES } from '../../wan/modes';
import { isImageRequest, type WanRequest } from '../../wan/validation';
import type { WanModel } from '../../wan/models';

const APPS: Partial<Record<WanModel, string>> = {
  'wan2.7-t2v': 'alibaba/wan-2-7-t2v',
  'wan2.7-i2v': 'alibaba/wan-2-7-i2v',
  'wan2.7-r2v': 'alibaba/wan-2-7-r2v',
  'wan2.7-videoedit': 'alibaba/wan-2-7-videoedit',
  'wan2.7-image': 'alibaba/wan-2-7-image',
  'wan2.7-image-pro': 'alibaba/wan-2-7-image-pro',
};

/** Every mode of each model it has an app for. */
export const INFERENCE_SERVES = Object.fromEntries(
  (Object.keys(APPS) as WanModel[]).map((model) => [model, MODES[model]]),
) as Partial<Record<WanModel, readonly string[]>>;

export function inferenceApp(model: string): string | undefined {
  return APPS[model as WanModel];
}

/** The app's input for a Wan request: its input and parameters in one object. */
export function toInferenceInput(request: WanRequest): Record<string, unknown> {
  if (!isImageRequest(request)) return { ...request.input, ...request.parameters };
  const content = request.input.messages[0].content;
  const text = content.find((part) => 'text' in part);
  return {
    prompt: text && 'text' in text ? text.text : undefined,
    images: content.flatMap((part) => ('image' in part ? [part.image] : [])),
    ...request.parameters,
  };
}
