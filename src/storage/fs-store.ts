// The filesystem store: the embedded default. Writes go to a temp file renamed into place, so a crash
// never leaves a half-written asset under its final key.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { HashingStream } from './streams';
import { assertSafeKey, jsonStream, type AssetStore } from './store';
import { type StoredAsset } from '../shared/records';

export class FileSystemStore implements AssetStore {
  readonly kind = 'fs' as const;
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  path(key: string): string {
    assertSafeKey(key);
    return join(this.root, key);
  }

  location(key: string): string {
    return this.path(key);
  }

  async put(key: string, body: Readable, contentType: string): Promise<StoredAsset> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const tmp = `${target}.${randomUUID()}.partial`;
    const hashing = new HashingStream();
    try {
      await pipeline(body, hashing, createWriteStream(tmp));
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { key, sizeBytes: hashing.bytes, sha256: hashing.digest(), contentType, location: target };
  }

  putJson(key: string, value: unknown): Promise<StoredAsset> {
    return this.put(key, jsonStream(value), 'application/json');
  }

  async get(key: string): Promise<Readable> {
    const p = this.path(key);
    await stat(p);
    return createReadStream(p);
  }

  async exists(key: string): Promise<boolean> {
    return stat(this.path(key)).then(
      () => true,
      () => false,
    );
  }

  async url(key: string): Promise<string> {
    return pathToFileURL(this.path(key)).href;
  }
}
