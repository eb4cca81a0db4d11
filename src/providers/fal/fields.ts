// The fal.ai wrapper's own contract for Wan 2.7 (contract §8): one queue endpoint per job kind and its
// own field names. wanflow keeps Wan's request shape and maps it here, so moving between routes is
// configuration. Only what fal documents is mapped; other models are refused at validation.
import type { WanRequest } from '../../wan/validation';

export const FAL_MODELS = ['wan2.7-t2v', 'wan2.7-i2v'] as const;

const ENDPOINTS: Record<string, string> = {
  'wan2.7-t2v': 'fal-ai/wan/v2.7/text-to-video',
  'wan2.7-i2v': 'fal-ai/wan/v2.7/image-to-video',
};

const I2V_FIELDS: Record<string, string> = {
  first_frame: 'image_url',
  last_frame: 'end_image_url',
  first_clip: 'video_url',
  driving_audio: 'audio_url',
};

export function falEndpoint(model: string): string | undefined {
  return ENDPOINTS[model];
}

/** The fal input body for a Wan request (only models fal serves reach here). */
export function toFalInput(request: WanRequest): Record<string, unknown> {
  if (request.model !== 'wan2.7-t2v' && request.model !== 'wan2.7-i2v') {
    throw new Error(`fal.ai has no mapping for ${request.model}`);
  }
  const p = request.parameters;
  const body: Record<string, unknown> = {
    prompt: request.input.prompt,
    negative_prompt: request.input.negative_prompt,
    resolution: p.resolution.toLowerCase(),
    // fal's Wan endpoints take the duration as a string of seconds.
    duration: String(p.duration),
    enable_prompt_expansion: p.prompt_extend,
    seed: p.seed,
  };
  if (request.model === 'wan2.7-t2v') {
    body.aspect_ratio = request.parameters.ratio;
    body.audio_url = request.input.audio_url;
  } else {
    for (const m of request.input.media) body[I2V_FIELDS[m.type]!] = m.url;
  }
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}
