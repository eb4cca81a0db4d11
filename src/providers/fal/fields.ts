// The fal.ai wrapper's own contract for Wan 2.7 (contract §8 and each endpoint's llms.txt page at
// fal.ai/models/fal-ai/wan/v2.7/…): one queue endpoint per job kind and its own field names. wanflow keeps
// Wan's request shape and maps it here, so moving between routes is configuration. Only what fal documents
// is mapped; every other model and mode is refused at validation (providers/routes.ts).
import { isImageRequest, type WanRequest } from '../../wan/validation';
import type { FieldProblem } from '../../wan/validation';
import type { ImageRequest } from '../../wan/image-requests';
import { MODES } from '../../wan/modes';

/** The models and modes fal.ai's Wan 2.7 endpoints serve. */
export const FAL_SERVES = {
  // image_url, end_image_url, video_url, audio_url: every i2v role set.
  'wan2.7-t2v': MODES['wan2.7-t2v'],
  'wan2.7-i2v': MODES['wan2.7-i2v'],
  // reference_image_urls and reference_video_urls; no first frame or voice field is documented.
  'wan2.7-r2v': ['references'],
  // One optional reference_image_url.
  'wan2.7-videoedit': ['edit', 'edit+reference-images'],
  // Only the pro text-to-image endpoint's fields are published; editing is not mapped.
  'wan2.7-image-pro': ['text-to-image'],
} as const;

const ENDPOINTS: Record<string, string> = {
  'wan2.7-t2v': 'fal-ai/wan/v2.7/text-to-video',
  'wan2.7-i2v': 'fal-ai/wan/v2.7/image-to-video',
  'wan2.7-r2v': 'fal-ai/wan/v2.7/reference-to-video',
  'wan2.7-videoedit': 'fal-ai/wan/v2.7/edit-video',
  'wan2.7-image-pro': 'fal-ai/wan/v2.7/pro/text-to-image',
};

const I2V_FIELDS: Record<string, string> = {
  first_frame: 'image_url',
  last_frame: 'end_image_url',
  first_clip: 'video_url',
  driving_audio: 'audio_url',
};

/** fal's image sizes by name; Wan's `W*H` maps to fal's {width, height}. */
const IMAGE_SIZES: Record<string, number> = { '1K': 1024, '2K': 2048, '4K': 4096 };

export function falEndpoint(model: string): string | undefined {
  return ENDPOINTS[model];
}

/** What fal's endpoints take beyond the mode: edit-video has a single reference image field. */
export function falLimits(request: WanRequest): FieldProblem | undefined {
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
  const named = IMAGE_SIZES[p.size];
  const [w, h] = p.size.split('*').map(Number);
  return defined({
    prompt: text && 'text' in text ? text.text : undefined,
    image_size: named ? { width: named, height: named } : w && h ? { width: w, height: h } : undefined,
    num_images: p.n,
    seed: p.seed,
  });
}
