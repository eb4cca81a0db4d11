// Publishing: asset references become URLs the provider can fetch, at the last moment. 'presign' gives a
// signed URL — S3's, or the local asset server's — right before the create (never stored in history); 'upload' hands the file to the
// route's temporary upload and gets an `oss://` URL back (no credentials in it, safe to record).
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { AssetStore } from '../storage/store';
import { StorageError } from '../storage/store';
import { FileSystemStore } from '../storage/fs-store';
import type { TemporaryUploader } from '../providers/provider';
import { mapMediaUrls, mediaFieldsOf } from '../wan/media-roles';
import type { WanRequest } from '../wan/validation';
import { assetKey, isAssetRef } from './refs';
import type { AssetLinks } from './server';

export type InputPublishing = 'presign' | 'upload';

async function resolveRefs<R extends WanRequest>(
  request: R,
  resolve: (key: string) => Promise<string>,
): Promise<R> {
  const refs = [
    ...new Set(
      mediaFieldsOf(request)
        .map((f) => f.url)
        .filter(isAssetRef),
    ),
  ];
  if (!refs.length) return request;
  const urls = new Map(
    await Promise.all(refs.map(async (ref) => [ref, await resolve(assetKey(ref))] as const)),
  );
  return mapMediaUrls(request, (url) => urls.get(url) ?? url);
}

/** Sources ffprobe can read for preflight: a file:// URL or a short presigned URL. */
export function readableRefs<R extends WanRequest>(request: R, store: AssetStore): Promise<R> {
  return resolveRefs(request, (key) => store.url(key, 900));
}

/** Signed URLs for every asset reference: presigned by S3, or by the local asset server for the
 * filesystem store; without either, the filesystem store has no URL to give. */
export function presignRefs<R extends WanRequest>(
  request: R,
  store: AssetStore,
  ttlSeconds: number,
  assetLinks?: AssetLinks,
): Promise<R> {
  return resolveRefs(request, async (key) => {
    if (store.kind === 's3') return store.url(key, ttlSeconds);
    if (assetLinks) return assetLinks.url(key, ttlSeconds);
    throw new StorageError(
      `asset://${key} lives in the filesystem store, which cannot give the provider a URL`,
      'Use an S3 store (WANFLOW_STORAGE=s3), the asset server (WANFLOW_ASSET_URL), or WANFLOW_INPUT_PUBLISHING=upload.',
    );
  });
}

/** Uploads every asset reference through the route's temporary upload. */
export function uploadRefs<R extends WanRequest>(
  request: R,
  store: AssetStore,
  uploader: TemporaryUploader,
): Promise<R> {
  return resolveRefs(request, (key) =>
    withLocalFile(store, key, (file) => uploader.uploadTemporary(request.model, file, basename(key))),
  );
}

async function withLocalFile<T>(
  store: AssetStore,
  key: string,
  fn: (file: string) => Promise<T>,
): Promise<T> {
  if (store instanceof FileSystemStore) return fn(store.path(key));
  const dir = await mkdtemp(join(tmpdir(), 'wanflow-publish-'));
  try {
    const file = join(dir, basename(key));
    await pipeline(await store.get(key), createWriteStream(file));
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
