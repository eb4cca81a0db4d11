// Wan 2.7 still images (../shared/wan27-contract.md §1, §4): one user message of 0–9 images and a text
// prompt; sizes by name or W*H; 1–4 images, up to 12 in group mode; 4K on the pro model, text-to-image
// only. Limits per account are published: 5 submits/s and 5 concurrent tasks.
import type { ImageFamily } from './image-family';

export const WAN27_IMAGE_MODELS = ['wan2.7-image', 'wan2.7-image-pro'] as const;

// Where the image docs place them.
const REGIONS = ['cn-beijing', 'ap-southeast-1'] as const;
const PUBLISHED = { concurrentTasks: 5, submitsPerSecond: 5 };

export const WAN27_IMAGE: ImageFamily = {
  id: 'wan2.7-image',
  title: 'Wan 2.7 images',
  request: 'image messages',
  models: [
    {
      id: WAN27_IMAGE_MODELS[0],
      tier: 'standard',
      regions: REGIONS,
      accountLimits: PUBLISHED,
      sizes: ['1K', '2K'],
    },
    {
      id: WAN27_IMAGE_MODELS[1],
      tier: 'pro',
      regions: REGIONS,
      accountLimits: PUBLISHED,
      sizes: ['1K', '2K', '4K'],
    },
  ],
  modes: [
    { id: 'text-to-image', title: 'images from a prompt', source: 'official' },
    { id: 'image-edit', title: 'images edited or composed from input images', source: 'official' },
    { id: 'image-set', title: 'a set of related images (group mode)', source: 'official' },
  ],
  parameters: {
    namedSizes: { '1K': 1024, '2K': 2048, '4K': 4096 },
    defaultSize: '2K',
    textOnlySizes: ['4K'],
    sideMin: 512,
    sideMax: 4096,
    maxInputImages: 9,
    maxN: 4,
    maxNSequential: 12,
    textOnlySwitches: ['thinking_mode'],
  },
  billing: { unit: 'image', prices: [] },
  endpoint: { createPath: '/services/aigc/image-generation/generation' },
  sources: ['wan27-contract.md §1, §4: Model Studio image docs, late 2026'],
};
