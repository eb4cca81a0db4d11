// Every model wanflow knows, by kind, from the registry's entries; video resolutions, ratios and sizes.
import { WAN27_MODELS } from './registry/wan27';
import { WAN27_IMAGE_MODELS } from './registry/wan27-image';
import { WAN30_MODELS } from './registry/wan30';

export const VIDEO_MODELS = WAN27_MODELS;
export type VideoModel = (typeof VIDEO_MODELS)[number];

export const IMAGE_MODELS = WAN27_IMAGE_MODELS;
export type ImageModel = (typeof IMAGE_MODELS)[number];

/** Every model of every family, in the order `wanflow routes` lists them. */
export const WAN_MODELS = [...VIDEO_MODELS, ...IMAGE_MODELS, ...WAN30_MODELS] as const;
export type WanModel = (typeof WAN_MODELS)[number];

/** A model ID without its family's prefix (`t2v`, `image-pro`); Wan 3.0's by family and tier (`3.0`,
 * `3.0-prime`): what `wanflow run --model` takes. */
export function shortModelName(model: string): string {
  return model.replace(/^wan(\d+\.\d+)-video/, '$1').replace(/^wan\d+\.\d+-/, '');
}

export function isImageModel(model: string): model is ImageModel {
  return (IMAGE_MODELS as readonly string[]).includes(model);
}

/** Wan 2.7's resolutions. */
export const RESOLUTIONS = ['720P', '1080P'] as const;
/** Every video resolution of any family (Wan 3.0 adds 480P): price keys, timing, output sizes. */
export const ALL_RESOLUTIONS = ['480P', '720P', '1080P'] as const;
export type Resolution = (typeof ALL_RESOLUTIONS)[number];

export const RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4'] as const;
export type Ratio = (typeof RATIOS)[number];

/** Output pixel sizes by resolution and ratio (contract §4). Output is H.264 MP4 at 30 fps. */
export const OUTPUT_SIZES: Record<Resolution, Record<Ratio, { width: number; height: number }>> = {
  // Wan 3.0's 480P: the sizes earlier Wan families publish for it (3.0's own table is not published).
  '480P': {
    '16:9': { width: 832, height: 480 },
    '9:16': { width: 480, height: 832 },
    '1:1': { width: 624, height: 624 },
    '4:3': { width: 720, height: 544 },
    '3:4': { width: 544, height: 720 },
  },
  '720P': {
    '16:9': { width: 1280, height: 720 },
    '9:16': { width: 720, height: 1280 },
    '1:1': { width: 960, height: 960 },
    '4:3': { width: 1104, height: 832 },
    '3:4': { width: 832, height: 1104 },
  },
  '1080P': {
    '16:9': { width: 1920, height: 1080 },
    '9:16': { width: 1080, height: 1920 },
    '1:1': { width: 1440, height: 1440 },
    '4:3': { width: 1648, height: 1248 },
    '3:4': { width: 1248, height: 1648 },
  },
};

export const OUTPUT_FPS = 30;

/** The ratio of the five offered whose aspect is closest to width:height (i2v follows its input). */
export function nearestRatio(width: number, height: number): Ratio {
  const aspect = width / height;
  let best: Ratio = '16:9';
  for (const ratio of RATIOS) {
    const [w, h] = ratio.split(':').map(Number) as [number, number];
    const [bw, bh] = best.split(':').map(Number) as [number, number];
    if (Math.abs(Math.log(aspect / (w / h))) < Math.abs(Math.log(aspect / (bw / bh)))) best = ratio;
  }
  return best;
}
