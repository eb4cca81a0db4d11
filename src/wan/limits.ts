// Numeric limits of the contract (§4). Where sources disagree (§9) the value is configuration and the
// default is the stricter one.
export interface WanLimits {
  promptMaxChars: number;
  negativePromptMaxChars: number;
  durationMin: number;
  durationMax: number;
  seedMax: number;
}

export const DEFAULT_LIMITS: WanLimits = {
  promptMaxChars: 5000,
  negativePromptMaxChars: 500,
  durationMin: 2,
  durationMax: 15,
  seedMax: 2147483647,
};
