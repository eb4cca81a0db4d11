// What the service accepts as input media (contract §4). Where sources disagree (§9: 2 vs 3 s audio) the
// default is the stricter value; all of it is configuration.
export type MediaKind = 'image' | 'video' | 'audio' | 'document';

export interface MediaRule {
  kind: MediaKind;
  /** Lower-case container or codec names as ffprobe reports them, mapped to the names users know. */
  formats: readonly string[];
  maxBytes: number;
  minSide?: number;
  maxSide?: number;
  /** Aspect (long side / short side) at most this. */
  maxAspect?: number;
  minSeconds?: number;
  maxSeconds?: number;
  /** Video frames per second, at least. */
  minFps?: number;
  /** Documents: pages, at most. */
  maxPages?: number;
  alphaAllowed?: boolean;
}

const MB = 1024 * 1024;

export interface MediaLimits {
  image: MediaRule;
  video: MediaRule;
  /** r2v reference videos may be longer (1–30 s). */
  referenceVideo: MediaRule;
  audio: MediaRule;
  /** r2v `reference_voice` (timbre only; 1–10 s per one wrapper's documentation). */
  referenceVoice: MediaRule;
}

export const DEFAULT_MEDIA_LIMITS: MediaLimits = {
  image: {
    kind: 'image',
    formats: ['jpeg', 'png', 'bmp', 'webp'],
    maxBytes: 20 * MB,
    minSide: 240,
    maxSide: 8000,
    maxAspect: 8,
    alphaAllowed: false,
  },
  video: {
    kind: 'video',
    formats: ['mp4', 'mov'],
    maxBytes: 100 * MB,
    minSide: 240,
    maxSide: 4096,
    maxAspect: 8,
    minSeconds: 2,
    maxSeconds: 10,
  },
  referenceVideo: {
    kind: 'video',
    formats: ['mp4', 'mov'],
    maxBytes: 100 * MB,
    minSide: 240,
    maxSide: 4096,
    maxAspect: 8,
    minSeconds: 1,
    maxSeconds: 30,
  },
  audio: { kind: 'audio', formats: ['wav', 'mp3'], maxBytes: 15 * MB, minSeconds: 3, maxSeconds: 30 },
  referenceVoice: {
    kind: 'audio',
    formats: ['wav', 'mp3'],
    maxBytes: 15 * MB,
    minSeconds: 1,
    maxSeconds: 10,
  },
};
