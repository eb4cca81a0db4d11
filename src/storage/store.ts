// One interface for every asset store. Writes stream (a 100 MB video is never held in memory) and
// record the SHA-256 and content type of what was written.
import { Readable } from 'node:stream';
import type { StoredAsset } from '../shared/records';
import { WanflowError } from '../shared/errors';
import { FAILURE_TYPE } from '../shared/failure-types';

export interface AssetStore {
  readonly kind: 'fs' | 's3';
  put(key: string, body: Readable, contentType: string): Promise<StoredAsset>;
  putJson(key: string, value: unknown): Promise<StoredAsset>;
  get(key: string): Promise<Readable>;
  exists(key: string): Promise<boolean>;
  /** Where a key lives, as `StoredAsset.location` says it: a file path or `s3://bucket/key`. */
  location(key: string): string;
  /** A URL another service can fetch: presigned (S3) or file:// (filesystem, this machine only). */
  url(key: string, expiresInSeconds: number): Promise<string>;
}

export class StorageError extends WanflowError {
  override readonly name = FAILURE_TYPE.storage;
  override readonly retryable: boolean;
  constructor(
    message: string,
    readonly remedy: string,
    opts: { cause?: unknown; retryable?: boolean } = {},
  ) {
    super(message, opts);
    this.retryable = opts.retryable ?? false;
  }
}

/** Keys are relative, '/'-separated, without '..' segments, so no store can be walked out of. */
export function assertSafeKey(key: string): void {
  if (!key || key.startsWith('/') || key.split('/').some((seg) => seg === '..' || seg === '')) {
    throw new StorageError(
      `unsafe storage key ${JSON.stringify(key)}`,
      'Use relative keys like "jobs/<id>/output.mp4".',
    );
  }
}

/** A pretty-printed JSON document as a stream, for manifests. */
export function jsonStream(value: unknown): Readable {
  return Readable.from([Buffer.from(JSON.stringify(value, null, 2) + '\n')]);
}
