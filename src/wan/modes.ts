// The modes of each model (Wan 2.7 contract §1, §4; Wan 3.0's table): what a request asks for, named by
// its media roles and options. Routes serve modes, not just models (a wrapper may map an i2v endpoint without its
// continuation), so the capability table and the route check are both written in these names. Pure.
import type { WanModel } from './models';
import { isImageRequest, isTypedMediaRequest, type WanRequest } from './validation';
import { mediaFieldsOf } from './media-roles';
import { FAMILIES, IMAGE_FAMILIES, familyOf } from './registry';
import { modeFor, typedMediaModeOf } from './registry/typed-media';

export const MODES = Object.fromEntries([
  ...FAMILIES.flatMap((family) =>
    family.models.map((m) => [m.id, m.modes ?? family.modes.map((x) => x.id)] as const),
  ),
  ...IMAGE_FAMILIES.flatMap((family) =>
    family.models.map((m) => [m.id, family.modes.map((x) => x.id)] as const),
  ),
]) as Record<WanModel, readonly string[]>;

/** The mode a valid request asks for: one of MODES[request.model]. */
export function modeOf(request: WanRequest): string {
  if (isImageRequest(request)) {
    if (request.parameters.enable_sequential) return 'image-set';
    return request.input.messages[0].content.some((p) => 'image' in p) ? 'image-edit' : 'text-to-image';
  }
  if (isTypedMediaRequest(request)) return typedMediaModeOf(familyOf(request.model)!, request);
  // The media types the request carries select the mode, as the registry describes them.
  const roles = [...new Set(mediaFieldsOf(request).map((f) => f.role))];
  const mode = modeFor(familyOf(request.model)!, request.model, roles);
  if (!mode) throw new Error(`a valid ${request.model} request selects no mode: [${roles.join(', ')}]`);
  return mode.id;
}
