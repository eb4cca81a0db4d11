// Regions bind host, API key and model availability together (contract §2).
import type { WanModel } from './models';
import { FAMILIES, IMAGE_FAMILIES } from './registry';

import type { RegionId } from './region-ids';

export { REGION_IDS, type RegionId } from './region-ids';

export interface Region {
  id: RegionId;
  /** Public host; undefined where only workspace hosts exist. */
  host?: string;
  /** Workspace host template; `{WorkspaceId}` is replaced. */
  workspaceHost?: string;
  /** Models offered there. */
  models: readonly WanModel[];
}

/** What Model Studio offers in a region: each family's models that name it (availability is a model fact). */
function offeredIn(region: RegionId): readonly WanModel[] {
  return [...FAMILIES, ...IMAGE_FAMILIES].flatMap((f) =>
    f.models.filter((m) => m.regions.includes(region)).map((m) => m.id as WanModel),
  );
}

export const REGIONS: Record<RegionId, Region> = {
  'cn-beijing': {
    id: 'cn-beijing',
    host: 'https://dashscope.aliyuncs.com',
    workspaceHost: 'https://{WorkspaceId}.cn-beijing.maas.aliyuncs.com',
    models: offeredIn('cn-beijing'),
  },
  'ap-southeast-1': {
    id: 'ap-southeast-1',
    host: 'https://dashscope-intl.aliyuncs.com',
    workspaceHost: 'https://{WorkspaceId}.ap-southeast-1.maas.aliyuncs.com',
    models: offeredIn('ap-southeast-1'),
  },
  'us-east-1': { id: 'us-east-1', host: 'https://dashscope-us.aliyuncs.com', models: offeredIn('us-east-1') },
  // Workspace hosts only.
  'eu-central-1': {
    id: 'eu-central-1',
    workspaceHost: 'https://{WorkspaceId}.eu-central-1.maas.aliyuncs.com',
    models: offeredIn('eu-central-1'),
  },
};

/** The `/api/v1` base URL for a region, preferring the workspace host when a workspace is given. */
export function regionBaseUrl(region: RegionId, workspaceId?: string): string | undefined {
  const r = REGIONS[region];
  const host =
    workspaceId && r.workspaceHost ? r.workspaceHost.replace('{WorkspaceId}', workspaceId) : r.host;
  return host ? `${host}/api/v1` : undefined;
}
