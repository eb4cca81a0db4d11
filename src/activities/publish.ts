// publishInputs: asset references in a request become what the route can fetch. With 'upload' that is
// an `oss://` URL (no credentials, safe in history); with 'presign' nothing happens here — submitTask
// presigns at the moment of the create, so no signed URL ever sits in history or outlives its use.
import { canUpload, type VideoProvider } from '../providers/provider';
import { RequestRejectedError } from '../providers/errors';
import type { AssetStore } from '../storage/store';
import { uploadRefs, type InputPublishing } from '../assets/publish';
import { isAssetRef } from '../assets/refs';
import { mediaFieldsOf } from '../wan/media-roles';
import type { WanRequest } from '../wan/validation';

export interface PublishedInputs {
  request: WanRequest;
  /** How the request's stored assets reach the provider; undefined when it has none. */
  publishing?: InputPublishing;
}

export async function publishInputs(
  deps: { provider: VideoProvider; store: AssetStore; publishing: InputPublishing },
  request: WanRequest,
): Promise<PublishedInputs> {
  if (!mediaFieldsOf(request).some((f) => isAssetRef(f.url))) return { request };
  if (deps.publishing === 'presign') return { request, publishing: 'presign' };
  if (!canUpload(deps.provider)) {
    throw new RequestRejectedError(
      'bad_input',
      `route ${deps.provider.route} has no temporary upload for stored inputs`,
    );
  }
  return { request: await uploadRefs(request, deps.store, deps.provider), publishing: 'upload' };
}
