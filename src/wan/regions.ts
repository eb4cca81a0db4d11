// Regions bind host, API key and model availability together (contract §2).
import type { WanModel } from './models';
import { WAN30_MODELS } from './registry/wan30';

export const REGION_IDS = ['cn-beijing', 'ap-southeast-1', 'us-east-1', 'eu-central-1'] as const;
export type RegionId = (typeof REGION_IDS)[number];

export interface Region {
  id: RegionId;
  /** Public host; undefined where only workspace hosts exist. */
  host?: string;
  /** Workspace host template; `{WorkspaceId}` is replaced. */
  workspaceHost?: string;
  /** Models offered there (Wan 2.7 images: Beijing and Singapore, where the image docs place them). */
  models: readonly WanModel[];
}

// Wan 3.0: the API reference names Beijing, Singapore, Virginia (and Hong Kong); its zh pages Frankfurt too.
const WAN30 = WAN30_MODELS;

const ALL: readonly WanModel[] = [
  'wan2.7-t2v',
  'wan2.7-i2v',
  'wan2.7-r2v',
  'wan2.7-videoedit',
  'wan2.7-image',
  'wan2.7-image-pro',
];

export const REGIONS: Record<RegionId, Region> = {
  'cn-beijing': {
    id: 'cn-beijing',
    host: 'https://dashscope.aliyuncs.com',
    workspaceHost: 'https://{WorkspaceId}.cn-beijing.maas.aliyuncs.com',
    models: [...ALL, ...WAN30],
  },
  'ap-southeast-1': {
    id: 'ap-southeast-1',
    host: 'https://dashscope-intl.aliyuncs.com',
    workspaceHost: 'https://{WorkspaceId}.ap-southeast-1.maas.aliyuncs.com',
    models: [...ALL, ...WAN30],
  },
  // Of Wan 2.7, only i2v is confirmed in Virginia.
  'us-east-1': {
    id: 'us-east-1',
    host: 'https://dashscope-us.aliyuncs.com',
    models: ['wan2.7-i2v', ...WAN30],
  },
  // Wan 2.7 availability in Frankfurt is unconfirmed: only Wan 3.0 (workspace hosts) is offered.
  'eu-central-1': {
    id: 'eu-central-1',
    workspaceHost: 'https://{WorkspaceId}.eu-central-1.maas.aliyuncs.com',
    models: WAN30,
  },
};

/** The `/api/v1` base URL for a region, preferring the workspace host when a workspace is given. */
export function regionBaseUrl(region: RegionId, workspaceId?: string): string | undefined {
  const r = REGIONS[region];
  const host =
    workspaceId && r.workspaceHost ? r.workspaceHost.replace('{WorkspaceId}', workspaceId) : r.host;
  return host ? `${host}/api/v1` : undefined;
}
