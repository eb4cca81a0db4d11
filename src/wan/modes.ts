// The modes of each Wan 2.7 model (contract §1, §4): what a request asks for, named by its media roles
// and options. Routes serve modes, not just models (a wrapper may map an i2v endpoint without its
// continuation), so the capability table and the route check are both written in these names. Pure.
import type { VideoModel, WanModel } from './models';
import { isImageRequest, type WanRequest } from './validation';
import { mediaFieldsOf } from './media-roles';
import { WAN27 } from './registry/wan27';
import { modeFor } from './registry/typed-media';

const IMAGE_MODES = ['text-to-image', 'image-edit', 'image-set'] as const;

export const MODES: Record<WanModel, readonly string[]> = {
  ...(Object.fromEntries(WAN27.models.map((m) => [m.id, m.modes ?? WAN27.modes.map((x) => x.id)])) as Record<
    VideoModel,
    readonly string[]
  >),
  'wan2.7-image': IMAGE_MODES,
  'wan2.7-image-pro': IMAGE_MODES,
};

/** The mode a valid request asks for: one of MODES[request.model]. */
export function modeOf(request: WanRequest): string {
  if (isImageRequest(request)) {
    if (request.parameters.enable_sequential) return 'image-set';
    return request.input.messages[0].content.some((p) => 'image' in p) ? 'image-edit' : 'text-to-image';
  }
  // The media types the request carries select the mode, as the registry describes them.
  const roles = [...new Set(mediaFieldsOf(request).map((f) => f.role))];
  const mode = modeFor(WAN27, request.model, roles);
  if (!mode) throw new Error(`a valid ${request.model} request selects no mode: [${roles.join(', ')}]`);
  return mode.id;
}
