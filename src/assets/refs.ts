// Asset references: `asset://<storage key>` names a file in the user's store. They travel through
// workflow history instead of URLs (which expire and may carry signatures) and become fetchable URLs
// only when a request is published for the provider.
import { fileURLToPath } from 'node:url';
import { ASSET_SCHEME } from '../wan/requests';

export function isAssetRef(url: string): boolean {
  return url.startsWith(ASSET_SCHEME);
}

export function assetRef(key: string): string {
  return `${ASSET_SCHEME}${key}`;
}

export function assetKey(ref: string): string {
  return ref.slice(ASSET_SCHEME.length);
}

/** A local path or file:// URL the user pointed at, to be staged into the store. */
export function localPath(value: string): string | undefined {
  // Pipeline references (`stage:<id>`) name an earlier stage's output, not a file.
  // Inline data (images may be `data:` URIs) is not a file either.
  if (value.startsWith('stage:') || value.startsWith('data:')) return undefined;
  if (value.startsWith('file://')) {
    try {
      return fileURLToPath(value);
    } catch {
      return value; // refused below as unreadable, with its field
    }
  }
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? undefined : value;
}
