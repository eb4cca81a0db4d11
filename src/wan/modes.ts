// The modes of each Wan 2.7 model (contract §1, §4): what a request asks for, named by its media roles
// and options. Routes serve modes, not just models (a wrapper may map an i2v endpoint without its
// continuation), so the capability table and the route check are both written in these names. Pure.
import type { WanModel } from './models';
import { isImageRequest, type WanRequest } from './validation';

export const MODES: Record<WanModel, readonly string[]> = {
  'wan2.7-t2v': ['text', 'text+audio'],
  'wan2.7-i2v': [
    'first-frame',
    'first-frame+audio',
    'first-last-frame',
    'first-last-frame+audio',
    'continuation',
    'continuation+last-frame',
  ],
  'wan2.7-r2v': ['references', 'references+voice', 'references+first-frame', 'references+first-frame+voice'],
  'wan2.7-videoedit': ['edit', 'edit+reference-images'],
  'wan2.7-image': ['text-to-image', 'image-edit', 'image-set'],
  'wan2.7-image-pro': ['text-to-image', 'image-edit', 'image-set'],
};

/** The mode a valid request asks for: one of MODES[request.model]. */
export function modeOf(request: WanRequest): string {
  if (isImageRequest(request)) {
    if (request.parameters.enable_sequential) return 'image-set';
    return request.input.messages[0].content.some((p) => 'image' in p) ? 'image-edit' : 'text-to-image';
  }
  if (request.model === 'wan2.7-t2v') return request.input.audio_url ? 'text+audio' : 'text';
  const media = request.input.media as readonly { type: string; reference_voice?: string }[];
  const has = (role: string) => media.some((m) => m.type === role);
  switch (request.model) {
    case 'wan2.7-i2v': {
      const start = has('first_clip')
        ? 'continuation'
        : has('last_frame')
          ? 'first-last-frame'
          : 'first-frame';
      if (start === 'continuation') return has('last_frame') ? 'continuation+last-frame' : start;
      return has('driving_audio') ? `${start}+audio` : start;
    }
    case 'wan2.7-r2v':
      return [
        'references',
        ...(has('first_frame') ? ['first-frame'] : []),
        ...(media.some((m) => m.reference_voice) ? ['voice'] : []),
      ].join('+');
    case 'wan2.7-videoedit':
      return has('reference_image') ? 'edit+reference-images' : 'edit';
  }
}
