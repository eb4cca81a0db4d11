// Which route serves which model: Model Studio by region (keys and hosts are regional), fal.ai by what
// its Wan 2.7 endpoints document. Checked before anything is sent.
import { assertModelInRegion, InvalidRequestError } from '../wan/validation';
import type { RegionId } from '../wan/regions';
import { FAL_MODELS } from './fal/fields';
import type { RouteId } from './provider';

export function assertRouteServes(route: RouteId, model: string, region: RegionId): void {
  if (route === 'modelstudio') return assertModelInRegion(model, region);
  if (!(FAL_MODELS as readonly string[]).includes(model)) {
    throw new InvalidRequestError([
      {
        field: 'route',
        value: route,
        message: `does not serve ${model}; fal.ai serves ${FAL_MODELS.join(', ')}`,
      },
    ]);
  }
}
