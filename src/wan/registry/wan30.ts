// Wan 3.0 (../shared/wan30-contract.md §A): one model ID for every mode, the mode chosen by the types of
// `input.media[]`; 480P–1080P (1080P the default, 4× the 480P price), 2–30 s or `-1` (the model chooses),
// 30 fps with native audio; reference audio, documents and web pages as inputs; a "prime" tier, faster at
// 1.5× the price. Marked in `source` where only secondary sources give a figure: those are the defaults of
// configuration, not facts.
import { DEFAULT_MEDIA_LIMITS } from '../media-limits';
import type { ModelFamily } from './family';

const MB = 1024 * 1024;

// Images as for Wan 2.7: JPEG, PNG without alpha, BMP, WEBP; 240–8000 px a side, aspect ≤ 8:1, ≤ 20 MB.
const image = DEFAULT_MEDIA_LIMITS.image;

export const WAN30_MODELS = ['wan3.0-video', 'wan3.0-video-prime'] as const;
export type Wan30Model = (typeof WAN30_MODELS)[number];

// The API reference names Beijing, Singapore and Virginia (and Hong Kong); its zh pages Frankfurt too.
const WAN30_REGIONS = ['cn-beijing', 'ap-southeast-1', 'us-east-1', 'eu-central-1'] as const;

export const WAN30: ModelFamily = {
  id: 'wan3.0',
  title: 'Wan 3.0',
  request: 'typed media',
  preview: 'the API reference is marked preview (read 2026-12-07)',
  models: [
    { id: WAN30_MODELS[0], tier: 'standard', regions: WAN30_REGIONS },
    { id: WAN30_MODELS[1], tier: 'prime', regions: WAN30_REGIONS },
  ],
  modes: [
    { id: 'text', title: 'text to video', with: [], prompt: 'required' },
    { id: 'first-frame', title: 'first frame to video', with: ['first_frame'], prompt: 'optional' },
    {
      id: 'first-last-frame',
      title: 'first and last frame to video',
      with: ['first_frame', 'last_frame'],
      prompt: 'optional',
    },
    {
      // One reference video and a prompt saying to edit or extend it is the edit and the extension.
      id: 'references',
      title: 'references to video (an edit or an extension: one reference video)',
      with: [],
      anyOf: ['reference_image', 'reference_video', 'reference_audio'],
      prompt: 'required',
    },
    {
      id: 'document',
      title: 'document to video',
      with: ['file'],
      allows: ['reference_image', 'reference_video', 'reference_audio'],
      prompt: 'optional',
    },
    {
      id: 'web-page',
      title: 'web page to video',
      with: ['link'],
      allows: ['reference_image', 'reference_video', 'reference_audio'],
      prompt: 'optional',
    },
  ],
  media: {
    first_frame: { rule: image, maxCount: 1, dataUri: true, promptName: 'Image', source: 'official' },
    last_frame: { rule: image, maxCount: 1, dataUri: true, promptName: 'Image', source: 'official' },
    reference_image: { rule: image, maxCount: 10, dataUri: true, promptName: 'Image', source: 'official' },
    reference_video: {
      rule: {
        kind: 'video',
        formats: ['mp4', 'mov'],
        maxBytes: 100 * MB,
        minSide: 240,
        maxSide: 4096,
        minSeconds: 1,
        maxSeconds: 15,
        minFps: 16,
      },
      maxCount: 5,
      maxTotalSeconds: 15,
      billedSeconds: true,
      promptName: 'Video',
      source: 'secondary',
    },
    reference_audio: {
      rule: { kind: 'audio', formats: ['wav', 'mp3'], maxBytes: 15 * MB, minSeconds: 1, maxSeconds: 15 },
      maxCount: 5,
      maxTotalSeconds: 15,
      promptName: 'Audio',
      source: 'secondary',
    },
    file: {
      rule: {
        kind: 'document',
        formats: ['pdf', 'ppt', 'pptx', 'doc', 'docx', 'xls', 'xlsx', 'md'],
        maxBytes: 100 * MB,
        maxPages: 50,
      },
      maxCount: 1,
      source: 'secondary',
    },
    // A web page the service reads itself: a public http(s) URL, nothing to fetch or probe here.
    link: {
      rule: { kind: 'document', formats: [], maxBytes: 0 },
      maxCount: 1,
      readByService: true,
      source: 'secondary',
    },
  },
  exclusive: [
    {
      these: ['first_frame', 'last_frame'],
      those: ['reference_image', 'reference_video', 'reference_audio', 'file', 'link'],
      // The official example answers the mix as a FAILED task ("…mutually exclusive…"), not a 400.
      answered: 'failed task',
      source: 'official',
    },
    { these: ['file'], those: ['link'], answered: 'undocumented', source: 'secondary' },
  ],
  parameters: {
    resolutions: ['480P', '720P', '1080P'],
    defaultResolution: '1080P',
    ratios: ['adaptive', '16:9', '4:3', '1:1', '3:4', '9:16'],
    defaultRatio: 'adaptive',
    duration: { min: 2, max: 30, default: 5, auto: -1 },
    maxInputPlusOutputSeconds: 30,
    promptMaxChars: 20_000,
    seedMax: 2_147_483_647,
    switches: { audio: true, prompt_extend: true, watermark: false },
  },
  output: { fps: 30, maxSeconds: 30, audio: true },
  billing: {
    unit: 'second',
    // International prices are unconfirmed (one source: $0.05 / 0.10 / 0.20): configure them (WANFLOW_PRICES).
    prices: [
      {
        region: 'cn-beijing',
        currency: 'CNY',
        perSecond: {
          standard: { '480P': 0.3, '720P': 0.6, '1080P': 1.2 },
          prime: { '480P': 0.45, '720P': 0.9, '1080P': 1.8 },
        },
        source:
          'Model Studio price list, Beijing, as quoted by secondary sources in wan30-contract.md (read 2026-12-07)',
      },
    ],
  },
  endpoint: {
    createPath: '/services/aigc/video-generation/video-synthesis',
    workspaceHost: 'https://{WorkspaceId}.{region}.maas.aliyuncs.com',
    workspaceHeader: 'X-DashScope-WorkSpace',
  },
  sources: [
    'Model Studio guide "wan3-video-generation-guide" (updated 2026-08-26)',
    'Model Studio API reference "wan3-video-generation-api-reference" (preview, read late 2026)',
    'secondary sources quoting them, as compiled in wan30-contract.md',
  ],
};
