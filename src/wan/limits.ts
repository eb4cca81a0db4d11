// Numeric limits of the contract (§4), as configuration for the Wan 2.7 video and image schemas.
// Where sources disagree (§9) the value is configuration and the default is the stricter one.
import { WAN27, WAN27_MODELS } from './registry/wan27';
import { WAN27_IMAGE } from './registry/wan27-image';
export interface WanLimits {
  promptMaxChars: number;
  negativePromptMaxChars: number;
  durationMin: number;
  durationMax: number;
  seedMax: number;
  /** r2v: reference images and videos together. */
  r2vMaxReferences: number;
  /** r2v: the duration cap once any reference video is present. */
  r2vDurationMaxWithVideo: number;
  /** videoedit: reference images (sources say 3 or 4). */
  videoeditMaxReferenceImages: number;
  videoeditDurationMax: number;
  imageMaxInputImages: number;
  imageMaxN: number;
  /** n in group mode (`enable_sequential`). */
  imageMaxNSequential: number;
  /** Each side of an explicit `W*H` size (the documented bounds are not published: configuration). */
  imageSideMin: number;
  imageSideMax: number;
}

const p = WAN27.parameters;
const modelParameters = (id: string) => WAN27.models.find((m) => m.id === id)!.parameters!;
const together = (mode: string) => WAN27.modes.find((m) => m.id === mode)!.together!.max;

const images = WAN27_IMAGE.parameters;

/** Wan 2.7's figures as its registry entries (video and images) hold them. */
export const DEFAULT_LIMITS: WanLimits = {
  promptMaxChars: p.promptMaxChars,
  negativePromptMaxChars: p.negativePromptMaxChars!,
  durationMin: p.duration.min,
  durationMax: p.duration.max,
  seedMax: p.seedMax,
  r2vMaxReferences: together('references'),
  r2vDurationMaxWithVideo: modelParameters(WAN27_MODELS[2]).duration!.maxWith!.max,
  videoeditMaxReferenceImages: together('edit+reference-images'),
  videoeditDurationMax: modelParameters(WAN27_MODELS[3]).duration!.max,
  imageMaxInputImages: images.maxInputImages,
  imageMaxN: images.maxN,
  imageMaxNSequential: images.maxNSequential,
  imageSideMin: images.sideMin,
  imageSideMax: images.sideMax,
};
