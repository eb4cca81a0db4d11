// Before a pipeline's first paid stage: every stage that takes stored media (an earlier stage's output, a
// staged file) runs on a route this worker can hand them to — a route with a temporary upload, or any
// route when the store signs URLs (publishing 'presign'). Found here, a stage on fal.ai behind two paid
// stages is refused before either is paid, naming the stage's field.
import { canUpload, type VideoProvider } from '../providers/provider';
import { ROUTE_CAPABILITIES } from '../providers/routes';
import type { InputPublishing } from '../assets/publish';
import type { RegionId } from '../wan/regions';
import type { RouteId } from '../wan/routes';
import { InvalidRequestError, type FieldProblem } from '../wan/validation';

export interface StoredInputStage {
  /** The spec's field of the route: `stages.<i>.route` or `stages.<i>.fallbackRoute`. */
  field: string;
  route: RouteId;
  region: RegionId;
}

export function checkStoredInputRoutes(
  deps: { provider: (route: RouteId, region: RegionId) => VideoProvider; publishing: InputPublishing },
  stages: StoredInputStage[],
): void {
  if (deps.publishing === 'presign') return;
  const problems: FieldProblem[] = stages
    .filter((s) => !canUpload(deps.provider(s.route, s.region)))
    .map((s) => ({
      field: s.field,
      value: s.route,
      message:
        `${ROUTE_CAPABILITIES[s.route].name} cannot take this stage's stored inputs (an earlier stage's ` +
        `output or a local file): it has no temporary upload and this worker's store signs no URLs ` +
        `(input publishing '${deps.publishing}'). Run the stage on modelstudio or inference, or give the ` +
        `store signed URLs (S3, or WANFLOW_ASSET_URL with the asset server); nothing was paid`,
    }));
  if (problems.length) throw new InvalidRequestError(problems);
}
