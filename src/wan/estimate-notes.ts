// What a quote says beside its figure: a default that costs more than the cheapest choice (Wan 3.0's unset
// resolution is 1080P, 4× the 480P price), and a length the model chooses (estimated at the most it may
// be, billed as the task reports). Pure.
import type { WorkPlan } from './billing';
import type { RegionId } from './regions';
import { capabilitiesOf } from './registry';
import type { WanRequest } from './validation';

export function estimateNotes(
  sent: unknown,
  request: WanRequest,
  plan: Pick<WorkPlan, 'outputSeconds' | 'lengthChosenByModel'>,
  region: RegionId,
): string[] {
  const notes: string[] = [];
  const caps = capabilitiesOf(request.model);
  const asked = (sent as { parameters?: { resolution?: unknown } } | null)?.parameters?.resolution;
  if (caps && asked === undefined) {
    const chosen = caps.parameters.defaultResolution;
    const prices = caps.family.billing.prices.find((p) => p.region === region)?.perSecond[caps.model.tier];
    const cheapest = caps.parameters.resolutions[0]!;
    const times = prices?.[chosen] && prices[cheapest] ? prices[chosen] / prices[cheapest] : undefined;
    if (chosen !== cheapest)
      notes.push(
        `parameters.resolution is unset: ${chosen}, the default${times ? `, at ${Math.round(times * 100) / 100}× the price of ${cheapest}` : ''}; set it to pay less`,
      );
  }
  if (plan.lengthChosenByModel)
    notes.push(
      `parameters.duration is -1: the model chooses the length; estimated at the most it may be (${plan.outputSeconds} s), billed as the task reports`,
    );
  return notes;
}
