// Numeric limits of the contract (§4). Where sources disagree (§9) the value is configuration and the
// default is the stricter one.
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

export const DEFAULT_LIMITS: WanLimits = {
  promptMaxChars: 5000,
  negativePromptMaxChars: 500,
  durationMin: 2,
  durationMax: 15,
  seedMax: 2147483647,
  r2vMaxReferences: 5,
  r2vDurationMaxWithVideo: 10,
  videoeditMaxReferenceImages: 3,
  videoeditDurationMax: 10,
  imageMaxInputImages: 9,
  imageMaxN: 4,
  imageMaxNSequential: 12,
  imageSideMin: 512,
  imageSideMax: 4096,
};
