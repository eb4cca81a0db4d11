// generateImagesNow: the synchronous image route in one activity — the call and the storing of every
// image, so no signed URL reaches history. Storing is retried here, because the images are already paid.
import { Context } from '@temporalio/activity';
import type { Dispatcher } from 'undici';
import { canGenerateImagesSync } from '../providers/provider';
import { RequestRejectedError } from '../providers/errors';
import { isImageRequest, type WanRequest } from '../wan/validation';
import type { RouteId } from '../wan/routes';
import type { RegionId } from '../wan/regions';
import { storeResults } from './persist';
import type { ActivityDeps } from './deps';
import { presignNow } from './submit';

export interface SyncImagesInput {
  route: RouteId;
  region: RegionId;
  jobId: string;
  request: WanRequest;
}

export async function generateImagesNow(
  deps: ActivityDeps,
  dispatcher: Dispatcher,
  now: () => number,
  input: SyncImagesInput,
) {
  const provider = deps.provider(input.route, input.region);
  if (!canGenerateImagesSync(provider) || !isImageRequest(input.request)) {
    throw new RequestRejectedError(
      'bad_input',
      `route ${input.route} has no synchronous image call for ${input.request.model}`,
    );
  }
  const request = await presignNow(deps, input.request);
  const answer = await provider.generateImagesSync(request);
  const persist = {
    provider,
    store: deps.store,
    dispatcher,
    now,
    heartbeat: (b: number) => Context.current().heartbeat(b),
  };
  for (let attempt = 1; ; attempt++) {
    try {
      const outputs = await storeResults(
        persist,
        input.jobId,
        answer.requestId ?? 'sync call',
        'image',
        answer.imageUrls,
      );
      return {
        outputs,
        requestId: answer.requestId,
        imageCount: answer.imageCount ?? answer.imageUrls.length,
      };
    } catch (err) {
      if (attempt >= 4) throw err;
      await new Promise((r) => setTimeout(r, 2000 * attempt));
    }
  }
}
