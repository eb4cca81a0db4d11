// The regions wanflow knows, by Model Studio's IDs: a leaf, so the registry can name them.
export const REGION_IDS = ['cn-beijing', 'ap-southeast-1', 'us-east-1', 'eu-central-1'] as const;
export type RegionId = (typeof REGION_IDS)[number];
