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

/** Why `key` may not name a stored file, or undefined: keys are relative, '/'-separated, without '.' or
 * '..' segments, backslashes or control characters, so no store can be walked out of. */
export function unsafeKeyReason(key: string): string | undefined {
  if (!key) return 'is empty';
  if (key.length > 1024) return 'is longer than 1024 characters';
  if (key.startsWith('/')) return 'is absolute (starts with "/")';
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(key)) return 'holds a backslash or a control character';
  if (key.split('/').some((seg) => seg === '..' || seg === '.' || seg === ''))
    return 'has an empty, "." or ".." segment';
  return undefined;
}

/** Refuses a key `unsafeKeyReason` finds fault with. */
export function assertSafeKey(key: string): void {
  if (unsafeKeyReason(key) !== undefined) {
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

/** A stored document as text, refused past `maxBytes` (wanflow's own files: indexes, pages, reports). */
export async function readText(store: AssetStore, key: string, maxBytes = 64 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of await store.get(key)) {
    total += (chunk as Buffer).length;
    if (total > maxBytes)
      throw new StorageError(
        `${key} is larger than ${maxBytes} bytes`,
        'It is not a file wanflow wrote; move it away.',
      );
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Writes a text document (JSONL, CSV) whole. */
export async function putText(
  store: AssetStore,
  key: string,
  text: string,
  contentType: string,
): Promise<StoredAsset> {
  return store.put(key, Readable.from([Buffer.from(text)]), contentType);
}
