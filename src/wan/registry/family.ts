// What a model family's contract is, as data: its models and tiers, the modes a request selects by its
// media, each media type's counts and rules, what cannot be mixed, the parameters with their ranges and
// defaults, the output, how it is billed, where it is sent. Validation, preflight, estimates and every
// surface that names a model read a family through this shape; adding a family is data plus its tests.
import type { MediaLimits, MediaRule } from '../media-limits';
import type { RegionId } from '../region-ids';

export type FamilyId = 'wan2.7' | 'wan3.0';

/** Where a family's fact comes from: official pages and SDKs, or secondary sources quoting them. */
export type Provenance = 'official' | 'secondary';

export interface ModelFacts {
  id: string;
  /** 'prime': the same capabilities, faster, at a higher price. */
  tier: 'standard' | 'prime';
  /** Where Model Studio offers it (keys, hosts and models are bound to a region). */
  regions: readonly RegionId[];
  /** What one account may run of it, where a figure is hinted (the defaults of configuration, live). */
  accountLimits?: { concurrentTasks: number; submitsPerSecond?: number };
  /** The modes it serves (absent: every mode of the family; Wan 2.7 has a model per kind of work). */
  modes?: readonly string[];
  /** Where its parameters differ from the family's. */
  parameters?: Partial<ParameterFacts>;
}

export interface MediaTypeFacts {
  /** The rule preflight holds each item to (format, bytes, sides, seconds). */
  rule: MediaRule;
  /** Where configuration may replace that rule (`MediaLimits`: Wan 2.7's inputs); absent, the rule is fixed. */
  limit?: keyof MediaLimits;
  /** Items of this type in one request, at most. */
  maxCount: number;
  /** Seconds of all items of this type together, at most (probed before anything is paid). */
  maxTotalSeconds?: number;
  /** Its seconds are billed as output seconds are. */
  billedSeconds?: boolean;
  /** `data:` URIs are accepted for it on the wire (images only). wanflow itself takes files instead: a
   * data URI would be kept in the run's history. */
  dataUri?: boolean;
  /** The service reads it itself (a web page): a public http(s) address, never fetched, probed or
   * published here. */
  readByService?: boolean;
  /** What the prompt calls the n-th item of this type ("Image 1", "Video 1"). */
  promptName?: string;
  /** Where the request carries it: an entry of `input.media` (the default), a field of its own, or a
   * property of another media item (Wan 2.7's `audio_url`, `reference_voice`). */
  at?: 'media' | 'input.audio_url' | 'media.reference_voice';
  source: Provenance;
}

export interface ModeFacts {
  id: string;
  /** What the mode is for, as a user would say it. */
  title: string;
  /** Media types it needs, each present; no type outside `with`, `anyOf` and `allows` may be. */
  with: readonly string[];
  /** At least one of these is present. */
  anyOf?: readonly string[];
  /** Types it may carry besides. */
  allows?: readonly string[];
  /** Items of these types together, at most (Wan 2.7's reference images and videos: 5). */
  together?: { types: readonly string[]; max: number };
  prompt: 'required' | 'optional';
}

export interface MediaExclusion {
  these: readonly string[];
  those: readonly string[];
  /** How the service answers the mix: a FAILED task is free but wastes the run; a 400 costs nothing. */
  answered: 'failed task' | 'refused at create' | 'undocumented';
  source: Provenance;
}

export interface DurationRange {
  min: number;
  max: number;
  default: number;
  /** The value that lets the model choose the length (estimated at the most it can be, billed as reported). */
  auto?: number;
  /** The value that keeps an input video's length (Wan 2.7's edit: 0). */
  keepInput?: number;
  /** A lower cap once a media type is present (Wan 2.7's references: 10 s with a reference video). */
  maxWith?: { type: string; max: number };
}

export interface ParameterFacts {
  resolutions: readonly string[];
  /** The resolution an unset one means, and how many times its price the cheapest is. */
  defaultResolution: string;
  ratios: readonly string[];
  /** Absent: the output follows the input's aspect unless a ratio is asked for. */
  defaultRatio?: string;
  duration: DurationRange;
  /** Input video seconds plus output seconds, at most (extension and edit). */
  maxInputPlusOutputSeconds?: number;
  promptMaxChars: number;
  /** Absent: the family takes no negative prompt. */
  negativePromptMaxChars?: number;
  seedMax: number;
  /** Booleans the family takes, with their defaults. */
  switches: Readonly<Record<string, boolean>>;
}

export interface OutputFacts {
  fps: number;
  maxSeconds: number;
  /** Native audio (dialogue, music, effects) in the clip. */
  audio: boolean;
}

/** Per-second prices of one region, by tier and resolution. */
export interface RegionPrices {
  region: string;
  currency: string;
  perSecond: Readonly<Record<ModelFacts['tier'], Readonly<Record<string, number>>>>;
  /** Where the figures come from and when they were read. */
  source: string;
}

export interface BillingFacts {
  /** Failed tasks are free; input seconds of types marked `billedSeconds` are billed as output seconds. */
  unit: 'second';
  /** Regions whose prices are published; elsewhere no estimate until one is configured. */
  prices: readonly RegionPrices[];
}

export interface EndpointFacts {
  /** Under `{host}/api/v1`. */
  createPath: string;
  /** The workspace host form; `{WorkspaceId}` and `{region}` are replaced. */
  workspaceHost: string;
  /** The older form: the region's public host with this header naming the workspace. */
  workspaceHeader: string;
}

export interface ModelFamily {
  id: FamilyId;
  title: string;
  /** How a request names its work: a model per kind of work with its own body (Wan 2.7), or one body
   * whose typed `input.media[]` selects the mode (Wan 3.0). */
  request: 'model per mode' | 'typed media';
  /** Not yet generally available: say so wherever the family is offered. */
  preview?: string;
  models: readonly ModelFacts[];
  modes: readonly ModeFacts[];
  media: Readonly<Record<string, MediaTypeFacts>>;
  /** Media types of `these` cannot be in one request with any of `those`. */
  exclusive: readonly MediaExclusion[];
  parameters: ParameterFacts;
  output: OutputFacts;
  billing: BillingFacts;
  endpoint: EndpointFacts;
  /** Where the facts were read, and when. */
  sources: readonly string[];
}
