// The S3 store on the minio client: MinIO locally, any S3 in production. Streams through a hashing
// pass-through into a multipart upload; the checksum goes into the job record (it is only known once
// the stream has ended, after the object's metadata was sent).
import { Client } from 'minio';
import { Readable } from 'node:stream';
import { HashingStream } from './streams';
import { assertSafeKey, jsonStream, StorageError, type AssetStore } from './store';
import { type StoredAsset } from '../shared/records';

const PART_SIZE = 8 * 1024 * 1024;

export interface S3StoreOptions {
  endpoint: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  region?: string;
  /** Prefix inside the bucket. */
  prefix?: string;
}

export class S3Store implements AssetStore {
  readonly kind = 's3' as const;
  private readonly client: Client;
  private bucketReady?: Promise<void>;

  constructor(private readonly opts: S3StoreOptions) {
    const u = new URL(opts.endpoint);
    this.client = new Client({
      endPoint: u.hostname,
      port: u.port ? Number(u.port) : undefined,
      useSSL: u.protocol === 'https:',
      accessKey: opts.accessKey,
      secretKey: opts.secretKey,
      region: opts.region,
      pathStyle: true,
      // With an unknown length the client would size parts for a 5 TiB object and buffer ~550 MB per part;
      // 8 MiB parts keep a 100 MB video's footprint to a few parts in flight.
      partSize: PART_SIZE,
    });
  }

  private objectName(key: string): string {
    assertSafeKey(key);
    return this.opts.prefix ? `${this.opts.prefix.replace(/\/$/, '')}/${key}` : key;
  }

  private ensureBucket(): Promise<void> {
    this.bucketReady ??= (async () => {
      const exists = await this.client.bucketExists(this.opts.bucket);
      if (!exists)
        await this.client
          .makeBucket(this.opts.bucket, this.opts.region ?? 'us-east-1')
          .catch((err: unknown) => {
            // Another store of this process (or another process) made it between the check and the create.
            if ((err as { code?: string }).code !== 'BucketAlreadyOwnedByYou') throw err;
          });
    })().catch((err: unknown) => {
      this.bucketReady = undefined;
      throw new StorageError(
        `bucket ${this.opts.bucket} at ${this.opts.endpoint} is not usable: ${(err as Error).message}`,
        'Check WANFLOW_S3_ENDPOINT, the bucket name and the credentials.',
        { cause: err, retryable: true },
      );
    });
    return this.bucketReady;
  }

  async put(key: string, body: Readable, contentType: string): Promise<StoredAsset> {
    await this.ensureBucket();
    const name = this.objectName(key);
    const hashing = new HashingStream();
    body.on('error', (err) => hashing.destroy(err));
    await this.client.putObject(this.opts.bucket, name, body.pipe(hashing), undefined, {
      'Content-Type': contentType,
    });
    return {
      key,
      sizeBytes: hashing.bytes,
      sha256: hashing.digest(),
      contentType,
      location: this.location(key),
    };
  }

  location(key: string): string {
    return `s3://${this.opts.bucket}/${this.objectName(key)}`;
  }

  putJson(key: string, value: unknown): Promise<StoredAsset> {
    return this.put(key, jsonStream(value), 'application/json');
  }

  async get(key: string): Promise<Readable> {
    return this.client.getObject(this.opts.bucket, this.objectName(key));
  }

  async exists(key: string): Promise<boolean> {
    await this.ensureBucket();
    try {
      await this.client.statObject(this.opts.bucket, this.objectName(key));
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'NotFound' || (err as { code?: string }).code === 'NoSuchKey')
        return false;
      throw err;
    }
  }

  async url(key: string, expiresInSeconds: number): Promise<string> {
    await this.ensureBucket();
    return this.client.presignedGetObject(this.opts.bucket, this.objectName(key), expiresInSeconds);
  }
}
