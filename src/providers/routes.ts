// Which route serves which model and mode: Model Studio by region (keys and hosts are regional), the
// wrappers and apps by what their endpoints document (each adapter's fields.ts). One table, read by the
// check before anything is sent and by `wanflow routes` (and docs/routes.md's copy of it, kept by a test).
import {
  assertModelInRegion,
  InvalidRequestError,
  type FieldProblem,
  type WanRequest,
} from '../wan/validation';
import { MODES, modeOf } from '../wan/modes';
import { WAN_MODELS, type WanModel } from '../wan/models';
import type { RegionId } from '../wan/regions';
import type { RouteId } from '../wan/routes';
import { EACHLABS_SERVES } from './eachlabs/fields';
import { FAL_SERVES, falLimits } from './fal/fields';
import { INFERENCE_SERVES } from './inference/fields';

export interface RouteCapability {
  name: string;
  serves: Partial<Record<WanModel, readonly string[]>>;
  /** The only region a route's tasks are billed in, where it runs on one region's Model Studio account. */
  region?: RegionId;
  /** Whether an ambiguous create can be reconciled against the route's own task list. */
  taskList: boolean;
  push: 'webhook' | 'none';
  /** Limits beyond the mode (a field that holds one URL where Wan takes several). */
  limits?(request: WanRequest): FieldProblem | undefined;
}

export const ROUTE_CAPABILITIES: Record<RouteId, RouteCapability> = {
  modelstudio: { name: 'Model Studio', serves: MODES, taskList: true, push: 'none' },
  fal: { name: 'fal.ai', serves: FAL_SERVES, taskList: false, push: 'webhook', limits: falLimits },
  eachlabs: { name: 'each::labs', serves: EACHLABS_SERVES, taskList: false, push: 'webhook' },
  inference: {
    name: 'inference.sh',
    serves: INFERENCE_SERVES,
    region: 'ap-southeast-1',
    taskList: false,
    push: 'webhook',
  },
};

export function assertRouteServes(route: RouteId, request: WanRequest, region: RegionId): void {
  if (route === 'modelstudio') return assertModelInRegion(request.model, region);
  const cap = ROUTE_CAPABILITIES[route];
  const modes = cap.serves[request.model];
  const problem = (field: string, value: unknown, message: string) =>
    new InvalidRequestError([{ field, value, message }]);
  if (!modes)
    throw problem(
      'route',
      route,
      `does not serve ${request.model}; ${cap.name} serves ${Object.keys(cap.serves).join(', ')}`,
    );
  const mode = modeOf(request);
  if (!modes.includes(mode))
    throw problem(
      'input',
      mode,
      `${cap.name} does not serve ${request.model} in mode ${mode}; it serves ${modes.join(', ')}`,
    );
  if (cap.region && region !== cap.region)
    throw problem(
      'region',
      region,
      `${cap.name} runs Wan 2.7 on a Model Studio key of ${cap.region}: use region ${cap.region}`,
    );
  const limit = cap.limits?.(request);
  if (limit) throw new InvalidRequestError([limit]);
}

export interface CapabilityRow {
  route: RouteId;
  model: WanModel;
  modes: readonly string[];
}

/** Every route × model it serves, with the modes it serves, in the order of ROUTES and WAN_MODELS. */
export function capabilityRows(): CapabilityRow[] {
  return (Object.keys(ROUTE_CAPABILITIES) as RouteId[]).flatMap((route) =>
    WAN_MODELS.flatMap((model) => {
      const modes = ROUTE_CAPABILITIES[route].serves[model];
      return modes ? [{ route, model, modes }] : [];
    }),
  );
}
