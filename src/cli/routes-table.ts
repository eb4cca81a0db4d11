// The capability table (route × model × modes, with each route's price and how it reports completion),
// generated from the route table the request check uses: printed by `wanflow routes`, and copied into the
// README, where a test holds it equal to this output so the docs cannot drift from what is served.
import { capabilityRows, ROUTE_CAPABILITIES } from '../providers/routes';
import { findPrice, type PriceEntry } from '../wan/pricing';
import { isImageModel, type Resolution, type WanModel } from '../wan/models';
import { capabilitiesOf, familyOf } from '../wan/registry';
import type { RegionId } from '../wan/regions';
import type { RouteId } from '../wan/routes';

export interface RouteRow {
  route: RouteId;
  name: string;
  model: WanModel;
  modes: readonly string[];
  /** The price in force (per second by resolution, or per image), or undefined where none is known. */
  price?: string;
  completion: string;
  /** The model's API is not yet generally available. */
  preview: boolean;
}

/** Model Studio's prices differ by region: the table shows the region the route is billed in, or `region`. */
export function routeRows(prices: readonly PriceEntry[], region: RegionId): RouteRow[] {
  return capabilityRows().map(({ route, model, modes }) => {
    const cap = ROUTE_CAPABILITIES[route];
    const at = cap.region ?? region;
    const keys = isImageModel(model)
      ? [undefined]
      : (capabilitiesOf(model)!.parameters.resolutions as Resolution[]);
    const found = keys.map((resolution) => findPrice(prices, { route, region: at, model, resolution }));
    const price = found.every((p) => p)
      ? `${found.map((p) => p!.perUnit).join(' / ')} ${found[0]!.currency} per ${found[0]!.unit}${keys[0] ? ` (${keys.join(' / ')})` : ''}`
      : undefined;
    const completion = `${cap.push === 'webhook' ? 'webhook + polling' : 'polling + task list'}${cap.taskList ? '' : ', no task list'}`;
    const preview = familyOf(model)?.preview !== undefined;
    return { route, name: cap.name, model, modes, price, completion, preview };
  });
}

export function routesMarkdown(rows: readonly RouteRow[], region: RegionId): string {
  return [
    `| route | model | modes | price (Model Studio: ${region}) | completion |`,
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.route} (${r.name}) | ${r.model}${r.preview ? ' (preview)' : ''} | ${r.modes.join(', ')} | ${r.price ?? 'no known price: no estimate'} | ${r.completion} |`,
    ),
  ].join('\n');
}
