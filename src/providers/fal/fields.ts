// The fal.ai wrapper's own contract for Wan 2.7 (contract §8 and each endpoint's llms.txt page at
// fal.ai/models/fal-ai/wan/v2.7/…): one queue endpoint per job kind and its own field names. wanflow keeps
// Wan's request shape and maps it here, so moving between routes is configuration. Only what fal documents
// is mapped; every other model and mode is refused at validation (providers/routes.ts).
import { isImageRequest, isTypedMediaRequest, type WanRequest } from '../../wan/validation';
import type { FieldProblem } from '../../wan/validation';
import { imagePixels, type ImageRequest } from '../../wan/image-requests';
import { MODES, modeOf } from '../../wan/modes';

/** The models and modes fal.ai's Wan 2.7 endpoints serve. */
export const FAL_SERVES = {
  // image_url, end_image_url, video_url, audio_url: every i2v role set.
  'wan2.7-t2v': MODES['wan2.7-t2v'],
  'wan2.7-i2v': MODES['wan2.7-i2v'],
  // reference_image_urls and reference_video_urls; no first frame or voice field is documented.
  'wan2.7-r2v': ['references'],
  // One optional reference_image_url.
  'wan2.7-videoedit': ['edit', 'edit+reference-images'],
  // pro/text-to-image, and pro/edit with image_urls (1–4). The non-pro endpoints' fields are not published.
  'wan2.7-image-pro': ['text-to-image', 'image-edit'],
} as const;

/** pro/edit takes 1–4 images, where Wan takes up to 9. */
const EDIT_MAX_IMAGES = 4;

const ENDPOINTS: Record<string, string> = {
  'wan2.7-t2v': 'fal-ai/wan/v2.7/text-to-video',
  'wan2.7-i2v': 'fal-ai/wan/v2.7/image-to-video',
  'wan2.7-r2v': 'fal-ai/wan/v2.7/reference-to-video',
  'wan2.7-videoedit': 'fal-ai/wan/v2.7/edit-video',
  'wan2.7-image-pro': 'fal-ai/wan/v2.7/pro/text-to-image',
  'wan2.7-image-pro image-edit': 'fal-ai/wan/v2.7/pro/edit',
};

const I2V_FIELDS: Record<string, string> = {
  first_frame: 'image_url',
  last_frame: 'end_image_url',
  first_clip: 'video_url',
  driving_audio: 'audio_url',
};

/** fal's image sizes by name; Wan's `W*H` maps to fal's {width, height}. */

/** The queue endpoint of a request: by model, and for images by mode (generation or editing). */
export function falEndpoint(request: WanRequest): string | undefined {
  return (
    (isImageRequest(request) && ENDPOINTS[`${request.model} ${modeOf(request)}`]) || ENDPOINTS[request.model]
  );
}

/** What fal's endpoints take beyond the mode: edit-video has a single reference image field. */
export function falLimits(request: WanRequest): FieldProblem | undefined {
  if (isImageRequest(request)) {
    const images = imagesOf(request).length;
    return images > EDIT_MAX_IMAGES
      ? {
          field: 'input.messages.0.content',
          value: images,
          message: `fal.ai pro/edit takes at most ${EDIT_MAX_IMAGES} images`,
        }
      : undefined;
  }
  if (request.model !== 'wan2.7-videoedit') return undefined;
  const refs = request.input.media.filter((m) => m.type === 'reference_image').length;
  return refs > 1
    ? { field: 'input.media', value: refs, message: 'fal.ai edit-video takes at most 1 reference_image' }
    : undefined;
}

const defined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The fal input body for a Wan request (only models and modes fal serves reach here). */
export function toFalInput(request: WanRequest): Record<string, unknown> {
  if (isImageRequest(request)) return toFalImageInput(request);
  // fal publishes no Wan 3.0 endpoint: FAL_SERVES leaves it out, and the route check refuses it first.
  if (isTypedMediaRequest(request)) throw new Error(`fal.ai does not serve ${request.model}`);
  const p = request.parameters;
  const common = {
    prompt: request.input.prompt,
    negative_prompt: request.input.negative_prompt,
    resolution: p.resolution.toLowerCase(),
    // fal's Wan endpoints take the duration as a string of seconds.
    duration: String(p.duration),
    enable_prompt_expansion: p.prompt_extend,
    seed: p.seed,
  };
  switch (request.model) {
    case 'wan2.7-t2v':
      return defined({
        ...common,
        aspect_ratio: request.parameters.ratio,
        audio_url: request.input.audio_url,
      });
    case 'wan2.7-i2v':
      return defined({
        ...common,
        ...Object.fromEntries(request.input.media.map((m) => [I2V_FIELDS[m.type]!, m.url])),
      });
    case 'wan2.7-r2v': {
      const urls = (type: string) => request.input.media.filter((m) => m.type === type).map((m) => m.url);
      const images = urls('reference_image');
      const videos = urls('reference_video');
      return defined({
        ...common,
        aspect_ratio: request.parameters.ratio,
        reference_image_urls: images.length ? images : undefined,
        reference_video_urls: videos.length ? videos : undefined,
      });
    }
    case 'wan2.7-videoedit': {
      const url = (type: string) => request.input.media.find((m) => m.type === type)?.url;
      return defined({
        ...common,
        // 0 keeps the input's length: fal's field is then left out.
        duration: request.parameters.duration === 0 ? undefined : String(request.parameters.duration),
        aspect_ratio: request.parameters.ratio,
        audio_setting: request.parameters.audio_setting,
        video_url: url('video'),
        reference_image_url: url('reference_image'),
      });
    }
  }
}

function toFalImageInput(request: ImageRequest): Record<string, unknown> {
  const p = request.parameters;
  const text = request.input.messages[0].content.find((part) => 'text' in part);
  const images = imagesOf(request);
  return defined({
    prompt: text && 'text' in text ? text.text : undefined,
    image_urls: images.length ? images : undefined,
    image_size: imagePixels(p.size),
    num_images: p.n,
    seed: p.seed,
  });
}

function imagesOf(request: ImageRequest): string[] {
  return request.input.messages[0].content.flatMap((part) => ('image' in part ? [part.image] : []));
}
