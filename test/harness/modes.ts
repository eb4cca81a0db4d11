// A valid request for every Wan 2.7 model and mode (wan/modes.ts), on local test media: what the route
// tests send through each route that claims to serve it.
import { makeAudio, makeImage, makeVideo } from './media';

export interface TestMedia {
  image: string;
  image2: string;
  clip: string;
  audio: string;
  /** A PDF, for Wan 3.0's document mode. */
  document?: string;
}

export async function testMedia(): Promise<TestMedia> {
  const [image, image2, clip, audio] = await Promise.all([
    makeImage(640, 480),
    makeImage(480, 640),
    makeVideo(640, 360, 2),
    makeAudio(3),
  ]);
  return { image, image2, clip, audio };
}

const video = { resolution: '720P', duration: 2 };

export function requestFor(model: string, mode: string, m: TestMedia): Record<string, unknown> {
  const prompt = `${model} ${mode}`;
  const image = (text: string, images: string[], extra: Record<string, unknown> = {}) => ({
    model,
    input: { messages: [{ role: 'user', content: [...images.map((i) => ({ image: i })), { text }] }] },
    parameters: { size: '1K', ...extra },
  });
  switch (`${model} ${mode}`) {
    case 'wan2.7-t2v text':
      return { model, input: { prompt }, parameters: video };
    case 'wan2.7-t2v text+audio':
      return { model, input: { prompt, audio_url: m.audio }, parameters: video };
    case 'wan2.7-i2v first-frame':
      return i2v(model, prompt, [['first_frame', m.image]]);
    case 'wan2.7-i2v first-frame+audio':
      return i2v(model, prompt, [
        ['first_frame', m.image],
        ['driving_audio', m.audio],
      ]);
    case 'wan2.7-i2v first-last-frame':
      return i2v(model, prompt, [
        ['first_frame', m.image],
        ['last_frame', m.image],
      ]);
    case 'wan2.7-i2v first-last-frame+audio':
      return i2v(model, prompt, [
        ['first_frame', m.image],
        ['last_frame', m.image],
        ['driving_audio', m.audio],
      ]);
    case 'wan2.7-i2v continuation':
      return i2v(model, prompt, [['first_clip', m.clip]], 4);
    case 'wan2.7-i2v continuation+last-frame':
      return i2v(
        model,
        prompt,
        [
          ['first_clip', m.clip],
          ['last_frame', m.image],
        ],
        4,
      );
    case 'wan2.7-r2v references':
      return r2v(model, [
        { type: 'reference_image', url: m.image },
        { type: 'reference_video', url: m.clip },
      ]);
    case 'wan2.7-r2v references+voice':
      return r2v(model, [{ type: 'reference_image', url: m.image, reference_voice: m.audio }]);
    case 'wan2.7-r2v references+first-frame':
      return r2v(model, [
        { type: 'reference_image', url: m.image2 },
        { type: 'first_frame', url: m.image },
      ]);
    case 'wan2.7-r2v references+first-frame+voice':
      return r2v(model, [
        { type: 'reference_image', url: m.image2, reference_voice: m.audio },
        { type: 'first_frame', url: m.image },
      ]);
    case 'wan2.7-videoedit edit':
      return {
        model,
        input: { prompt, media: [{ type: 'video', url: m.clip }] },
        parameters: { resolution: '720P' },
      };
    case 'wan2.7-videoedit edit+reference-images':
      return {
        model,
        input: {
          prompt,
          media: [
            { type: 'video', url: m.clip },
            { type: 'reference_image', url: m.image },
          ],
        },
        parameters: { resolution: '720P' },
      };
  }
  if (model.startsWith('wan3.0-')) return wan30Request(model, mode, m, prompt);
  if (mode === 'text-to-image') return image(prompt, []);
  if (mode === 'image-edit') return image(prompt, [m.image]);
  if (mode === 'image-set') return image(prompt, [], { enable_sequential: true, n: 2 });
  throw new Error(`no test request for ${model} in mode ${mode}`);
}

function i2v(model: string, prompt: string, media: [string, string][], duration = 2) {
  return {
    model,
    input: { prompt, media: media.map(([type, url]) => ({ type, url })) },
    parameters: { resolution: '720P', duration },
  };
}

function r2v(model: string, media: Record<string, string>[]) {
  return { model, input: { prompt: 'Image 1 waves', media }, parameters: video };
}

/** Wan 3.0: one body, the mode chosen by the types of `input.media` (a document and a web page are the
 * test media's own: a PDF beside them, a page the service would read). */
function wan30Request(model: string, mode: string, m: TestMedia, prompt: string): Record<string, unknown> {
  const media: Record<string, { type: string; url: string }[]> = {
    text: [],
    'first-frame': [{ type: 'first_frame', url: m.image }],
    'first-last-frame': [
      { type: 'first_frame', url: m.image },
      { type: 'last_frame', url: m.image2 },
    ],
    references: [
      { type: 'reference_image', url: m.image },
      { type: 'reference_video', url: m.clip },
      { type: 'reference_audio', url: m.audio },
    ],
    document: [{ type: 'file', url: m.document ?? 'https://example.com/brief.pdf' }],
    'web-page': [{ type: 'link', url: 'https://example.com/launch' }],
  };
  const items = media[mode];
  if (!items) throw new Error(`no test request for ${model} in mode ${mode}`);
  return {
    model,
    input: { prompt, ...(items.length ? { media: items } : {}) },
    parameters: { resolution: '480P', duration: 2 },
  };
}
