// The default price table: figures seen in public sources, each with its source and date — Model Studio's
// from each family's registry entry, the wrappers' from their pages.
// No image prices were published in the sources: image jobs get no estimate until one is configured.
// Replace or extend the table with WANFLOW_PRICES=path/to/prices.json (an array of PriceEntry).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { REGION_IDS } from '../wan/regions';
import { ALL_RESOLUTIONS, type Resolution } from '../wan/models';
import { FAMILIES } from '../wan/registry';
import type { ModelFamily } from '../wan/registry/family';
import { WAN27 } from '../wan/registry/wan27';
import type { RegionId } from '../wan/regions';
import type { PriceEntry } from '../wan/pricing';

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
    (['720P', '1080P'] as const).map((resolution) => ({
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

/** Model Studio's per-second prices of every family, as its registry entry publishes them. */
function modelStudio(
  route: string,
  region?: RegionId,
  source?: string,
  families: readonly ModelFamily[] = FAMILIES,
): PriceEntry[] {
  return families.flatMap((family) =>
    family.billing.prices
      .filter((r) => region === undefined || r.region === region)
      .flatMap((r) =>
        family.models.flatMap((m) =>
          Object.entries(r.perSecond[m.tier]).map(([resolution, perUnit]) => ({
            route,
            region: r.region as RegionId,
            model: m.id,
            resolution: resolution as Resolution,
            unit: 'second' as const,
            perUnit,
            currency: r.currency,
            source: source ?? r.source,
          })),
        ),
      ),
  );
}

export const DEFAULT_PRICES: readonly PriceEntry[] = [
  ...modelStudio('modelstudio'),
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
  ...modelStudio('inference', 'ap-southeast-1', INFERENCE, [WAN27]),
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
  resolution: z.enum(ALL_RESOLUTIONS).optional(),
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
