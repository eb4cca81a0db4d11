// inference.sh's Wan 2.7 apps (contract §8): `alibaba/wan-2-7-<kind>`, each a thin app over Model Studio
// run on the user's own Model Studio key (Singapore). The apps' input schemas are not published; they wrap
// the same model, so wanflow sends Wan's own field names, `input` and `parameters` side by side in one
// object (images: the prompt and the input images by name). Every Wan 2.7 model and mode is served.
import { MODES } from '../../wan/modes';
import { isImageRequest, type WanRequest } from '../../wan/validation';

export const INFERENCE_SERVES = MODES;

const APPS: Record<string, string> = {
  'wan2.7-t2v': 'alibaba/wan-2-7-t2v',
  'wan2.7-i2v': 'alibaba/wan-2-7-i2v',
  'wan2.7-r2v': 'alibaba/wan-2-7-r2v',
  'wan2.7-videoedit': 'alibaba/wan-2-7-videoedit',
  'wan2.7-image': 'alibaba/wan-2-7-image',
  'wan2.7-image-pro': 'alibaba/wan-2-7-image-pro',
};

export function inferenceApp(model: string): string | undefined {
  return APPS[model];
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
