// each::labs' own contract for Wan 2.7 (contract §8, and its published model page): one prediction API,
// a model slug per job kind, Wan's role names as input fields. Only image-to-video is documented, and it
// requires a first frame: continuation (a first clip without one) is not served.
import type { WanRequest } from '../../wan/validation';

/** The models and modes each::labs' Wan 2.7 models serve. */
export const EACHLABS_SERVES = {
  'wan2.7-i2v': ['first-frame', 'first-frame+audio', 'first-last-frame', 'first-last-frame+audio'],
} as const;
const SLUGS: Record<string, string> = { 'wan2.7-i2v': 'alibaba-wan-2-7-image-to-video' };

export function eachlabsSlug(model: string): string | undefined {
  return SLUGS[model];
}

export function toEachlabsInput(request: WanRequest): Record<string, unknown> {
  if (request.model !== 'wan2.7-i2v') throw new Error(`each::labs has no mapping for ${request.model}`);
  const p = request.parameters;
  const body: Record<string, unknown> = {
    prompt: request.input.prompt,
    negative_prompt: request.input.negative_prompt,
    resolution: p.resolution,
    duration: p.duration,
    prompt_extend: p.prompt_extend,
    seed: p.seed,
  };
  for (const m of request.input.media) body[m.type] = m.url;
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}
