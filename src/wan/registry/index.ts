// The capability registry: every model family wanflow knows, and the facts of one model found by its ID.
// The only place a model's facts live; what names a model reads them here.
import type { ModelFacts, ModelFamily, ParameterFacts } from './family';
import { WAN27 } from './wan27';
import { WAN30 } from './wan30';
import type { ImageFamily, ImageModelFacts } from './image-family';
import { WAN27_IMAGE } from './wan27-image';

/** The video families. */
export const FAMILIES: readonly ModelFamily[] = [WAN27, WAN30];
/** The still-image families (a shape of their own: sizes and counts, not seconds). */
export const IMAGE_FAMILIES: readonly ImageFamily[] = [WAN27_IMAGE];

/** An image model's family and facts, or undefined for a model no image family has. */
export function imageCapabilitiesOf(
  model: string,
): { family: ImageFamily; model: ImageModelFacts } | undefined {
  for (const family of IMAGE_FAMILIES) {
    const facts = family.models.find((m) => m.id === model);
    if (facts) return { family, model: facts };
  }
  return undefined;
}

/** The family a model ID belongs to, or undefined for a model no family has. */
export function familyOf(model: string): ModelFamily | undefined {
  return FAMILIES.find((f) => f.models.some((m) => m.id === model));
}

export interface ModelCapabilities {
  family: ModelFamily;
  model: ModelFacts;
  /** The family's parameters with the model's own differences applied. */
  parameters: ParameterFacts;
}

export function capabilitiesOf(model: string): ModelCapabilities | undefined {
  const family = familyOf(model);
  const facts = family?.models.find((m) => m.id === model);
  if (!family || !facts) return undefined;
  return { family, model: facts, parameters: { ...family.parameters, ...facts.parameters } };
}

/** What a mode of a model is for, as a user would say it, with "(preview)" where its family is; undefined
 * for a mode no family names. */
export function modeTitleOf(model: string, mode: string): string | undefined {
  const video = familyOf(model);
  const family = video ?? imageCapabilitiesOf(model)?.family;
  const title = family?.modes.find((m) => m.id === mode)?.title;
  return title && video?.preview ? `${title} (preview)` : title;
}

/** Every model that serves a mode, with its family (the studio's start form offers those of 'text'). */
export function modelsServing(mode: string): { model: ModelFacts; family: ModelFamily }[] {
  return FAMILIES.flatMap((family) =>
    family.models
      .filter((m) => (m.modes ?? family.modes.map((x) => x.id)).includes(mode))
      .map((model) => ({ model, family })),
  );
}
