// Builds the configured store.
import type { WanflowConfig } from '../config/config';
import { FileSystemStore } from './fs-store';
import { S3Store } from './s3-store';
import type { AssetStore } from './store';

export function createStore(storage: WanflowConfig['storage']): AssetStore {
  return storage.kind === 's3' ? new S3Store(storage) : new FileSystemStore(storage.dir);
}

export type { AssetStore } from './store';
