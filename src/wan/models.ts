// Wan 2.7 model IDs and what each one is for (contract §1), and every model wanflow knows. Pure data.
import { WAN27_MODELS } from './registry/wan27';
import { WAN30_MODELS } from './registry/wan30';

export const VIDEO_MODELS = WAN27_MODELS;
export type VideoModel = (typeof VIDEO_MODELS)[number];

// The image models are not yet a registry family: their facts live here and in image-requests.ts.
export const IMAGE_MODELS = ['wan2.7-image', 'wan2.7-image-pro'] as const;
export type ImageModel = (typeof IMAGE_MODELS)[number];
/** Where the image docs place them. */
export const IMAGE_MODEL_REGIONS: readonly string[] = ['cn-beijing', 'ap-southeast-1'];

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

/** Named image sizes (contract §4); `W*H` is accepted too. 4K is for the pro model, text-to-image only. */
export const IMAGE_SIZES = { '1K': 1024, '2K': 2048, '4K': 4096 } as const;

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
