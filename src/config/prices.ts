// The default price table: figures seen in public sources (contract §7), each with its source and date.
// No image prices were published in the sources: image jobs get no estimate until one is configured.
// Replace or extend the table with WANFLOW_PRICES=path/to/prices.json (an array of PriceEntry).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { REGION_IDS } from '../wan/regions';
import { RESOLUTIONS } from '../wan/models';
import type { PriceEntry } from '../wan/pricing';

const BEIJING = 'Model Studio price list, Beijing, as compiled in wan27-contract.md (late 2026)';
const SINGAPORE =
  'Model Studio price list, Singapore, as compiled in wan27-contract.md (late 2026); currency not stated';

const INFERENCE =
  "Model Studio's Singapore price, billed to the user's own Model Studio account (contract §8: the apps run on it; same quota and bill as direct); inference.sh's own fee, if any, is not included";
// fal bills $0.10 per second, at either resolution; with input video (r2v references, the edited video),
// input seconds + output seconds. Read from each endpoint's llms.txt page on 2026-12-05.
const FAL_VIDEO: Record<string, string> = {
  'wan2.7-t2v': 'fal.ai pricing as compiled in wan27-contract.md (late 2026)',
  'wan2.7-i2v': 'fal.ai pricing as compiled in wan27-contract.md (late 2026)',
  'wan2.7-r2v': 'fal.ai/models/fal-ai/wan/v2.7/reference-to-video/llms.txt (read 2026-12-05)',
  'wan2.7-videoedit': 'fal.ai/models/fal-ai/wan/v2.7/edit-video/llms.txt (read 2026-12-05)',
};

function perSecond(route: string, sources: Record<string, string>): PriceEntry[] {
  return Object.entries(sources).flatMap(([model, source]) =>
    RESOLUTIONS.map((resolution) => ({
      route,
      region: '*' as const,
      model,
      resolution,
      unit: 'second' as const,
      perUnit: 0.1,
      currency: 'USD',
      source,
    })),
  );
}

function perModel(
  region: PriceEntry['region'],
  p720: number,
  p1080: number,
  currency: string,
  source: string,
): PriceEntry[] {
  return ['wan2.7-t2v', 'wan2.7-i2v', 'wan2.7-r2v', 'wan2.7-videoedit'].flatMap((model) => [
    {
      route: 'modelstudio',
      region,
      model,
      resolution: '720P' as const,
      unit: 'second' as const,
      perUnit: p720,
      currency,
      source,
    },
    {
      route: 'modelstudio',
      region,
      model,
      resolution: '1080P' as const,
      unit: 'second' as const,
      perUnit: p1080,
      currency,
      source,
    },
  ]);
}

export const DEFAULT_PRICES: readonly PriceEntry[] = [
  ...perModel('cn-beijing', 0.6, 1.0, 'CNY', BEIJING),
  ...perModel('ap-southeast-1', 0.733924, 1.100886, 'unstated', SINGAPORE),
  // Wrappers bill in their own currency, whatever the region.
  ...perSecond('fal', FAL_VIDEO),
  {
    route: 'fal',
    region: '*',
    model: 'wan2.7-image-pro',
    unit: 'image',
    perUnit: 0.075,
    currency: 'USD',
    source:
      'fal.ai/models/fal-ai/wan/v2.7/pro/text-to-image/llms.txt; pro/edit the same, per docs.runflow.io/models/alibaba/wan/v2.7/pro/edit (both read 2026-12-05)',
  },
  // inference.sh's apps run on the user's Model Studio key in Singapore: the same bill as direct.
  ...perModel('ap-southeast-1', 0.733924, 1.100886, 'unstated', INFERENCE).map((p) => ({
    ...p,
    route: 'inference',
  })),
  {
    route: 'eachlabs',
    region: '*',
    model: 'wan2.7-i2v',
    resolution: '720P',
    unit: 'second',
    perUnit: 0.1,
    currency: 'USD',
    source: 'each::labs model page (2026-06-01)',
  },
  {
    route: 'eachlabs',
    region: '*',
    model: 'wan2.7-i2v',
    resolution: '1080P',
    unit: 'second',
    perUnit: 0.15,
    currency: 'USD',
    source: 'each::labs model page (2026-06-01)',
  },
];

const priceEntry = z.strictObject({
  route: z.string(),
  region: z.union([z.enum(REGION_IDS), z.literal('*')]),
  model: z.string(),
  resolution: z.enum(RESOLUTIONS).optional(),
  unit: z.enum(['second', 'image']),
  perUnit: z.number().nonnegative(),
  currency: z.string(),
  source: z.string().min(1),
});

export function loadPrices(file: string | undefined): readonly PriceEntry[] {
  if (!file) return DEFAULT_PRICES;
  const parsed = z.array(priceEntry).safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`price table ${file}: entry ${i.path.join('.')}: ${i.message}`);
  }
  return parsed.data;
}
