// Which route serves which model: Model Studio by region (keys and hosts are regional), the wrappers by
// what their Wan 2.7 endpoints document. Checked before anything is sent.
import { assertModelInRegion, InvalidRequestError, type WanRequest } from '../wan/validation';
import { mediaFieldsOf } from '../wan/media-roles';
import { EACHLABS_MODELS } from './eachlabs/fields';
import type { RegionId } from '../wan/regions';
import { FAL_MODELS } from './fal/fields';
import type { RouteId } from '../wan/routes';

const WRAPPER_MODELS: Record<Exclude<RouteId, 'modelstudio'>, { name: string; models: readonly string[] }> = {
  fal: { name: 'fal.ai', models: FAL_MODELS },
  eachlabs: { name: 'each::labs', models: EACHLABS_MODELS },
};

export function assertRouteServes(route: RouteId, request: WanRequest, region: RegionId): void {
  if (route === 'modelstudio') return assertModelInRegion(request.model, region);
  const { name, models } = WRAPPER_MODELS[route];
  if (!models.includes(request.model)) {
    throw new InvalidRequestError([
      {
        field: 'route',
        value: route,
        message: `does not serve ${request.model}; ${name} serves ${models.join(', ')}`,
      },
    ]);
  }
  // each::labs documents first_frame as required, even for continuation.
  if (route === 'eachlabs' && !mediaFieldsOf(request).some((f) => f.role === 'first_frame')) {
    throw new InvalidRequestError([
      { field: 'input.media', value: 'no first_frame', message: 'each::labs requires a first_frame' },
    ]);
  }
}
