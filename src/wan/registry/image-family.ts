// What an image family's contract is, as data: its models, the modes a request's message selects, the
// sizes, counts and switches it takes, how it is billed and where it is sent. Still images are a shape of
// their own (sizes and image counts, no resolutions, seconds or typed media); the request schema, limits,
// regions, account limits and every surface that names an image model read it.
import type { Provenance } from './family';
import type { RegionId } from '../region-ids';

export interface ImageModelFacts {
  id: string;
  /** 'pro': larger sizes, at a higher price. */
  tier: 'standard' | 'pro';
  regions: readonly RegionId[];
  /** What one account may run of it (published for the image models). */
  accountLimits: { concurrentTasks: number; submitsPerSecond: number };
  /** The named sizes it offers. */
  sizes: readonly string[];
}

export interface ImageParameterFacts {
  /** Each named size's side in pixels (square); `W*H` is taken too. */
  namedSizes: Readonly<Record<string, number>>;
  defaultSize: string;
  /** Named sizes offered for text-to-image only (no input images). */
  textOnlySizes: readonly string[];
  /** Each side of an explicit `W*H` size (not published: configuration). */
  sideMin: number;
  sideMax: number;
  /** Input images in the one user message, at most. */
  maxInputImages: number;
  /** Images made by one request, at most; in group mode (`enable_sequential`) `maxNSequential`. */
  maxN: number;
  maxNSequential: number;
  /** Switches for text-to-image only. */
  textOnlySwitches: readonly string[];
}

export interface ImageFamily {
  id: string;
  title: string;
  /** One user message of input images and a text prompt. */
  request: 'image messages';
  models: readonly ImageModelFacts[];
  modes: readonly { id: string; title: string; source: Provenance }[];
  parameters: ImageParameterFacts;
  /** No Model Studio price is published for images: no estimate until one is configured. */
  billing: { unit: 'image'; prices: readonly [] };
  endpoint: { createPath: string };
  sources: readonly string[];
}
