// Wan 3.0 requests as the registry describes them: every mode of the contract's table accepted with its
// defaults made explicit, and every documented refusal refused by field — the media mix the service
// answers only with a FAILED task among them — before anything could be paid.
import { describe, expect, it } from 'vitest';
import { WAN30 } from '../../src/wan/registry/wan30';
import {
  typedMediaModeOf,
  typedMediaRequestSchema,
  type TypedMediaRequest,
} from '../../src/wan/registry/typed-media';

const schema = typedMediaRequestSchema(WAN30);
const url = (name: string) => `https://media.example.com/${name}`;

function parse(body: unknown): TypedMediaRequest {
  return schema.parse(body) as TypedMediaRequest;
}

function problems(body: unknown): { field: string; message: string }[] {
  const r = schema.safeParse(body);
  expect(r.success, 'refused').toBe(false);
  return r.error!.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
}

const media = (...types: string[]) => types.map((type, i) => ({ type, url: url(`${type}-${i}`) }));

describe('Wan 3.0 requests', () => {
  it.each([
    ['text', { prompt: 'a fox in snow' }],
    ['first-frame', { media: media('first_frame') }],
    ['first-last-frame', { prompt: 'turn around', media: media('first_frame', 'last_frame') }],
    ['references', { prompt: 'Image 1 meets Video 1', media: media('reference_image', 'reference_video') }],
    ['references', { prompt: 'extend Video 1 by ten seconds', media: media('reference_video') }],
    ['references', { prompt: 'Image 1 sings Audio 1', media: media('reference_image', 'reference_audio') }],
    ['document', { media: media('file') }],
    ['web-page', { prompt: 'a teaser of this page', media: media('link') }],
  ])('%s is a mode of its own, selected by the media types', (mode, input) => {
    const request = parse({ model: 'wan3.0-video', input });
    expect(typedMediaModeOf(WAN30, request)).toBe(mode);
  });

  it('fills every default in, so the record shows what is sent: 1080P, adaptive, 5 s, audio on', () => {
    expect(parse({ model: 'wan3.0-video-prime', input: { prompt: 'p' } }).parameters).toEqual({
      resolution: '1080P',
      ratio: 'adaptive',
      duration: 5,
      audio: true,
      prompt_extend: true,
      watermark: false,
    });
  });

  it('takes -1 (the model chooses) and 2–30 s; refuses 0, 1, 31 and fractions by field', () => {
    for (const duration of [-1, 2, 30])
      expect(
        parse({ model: 'wan3.0-video', input: { prompt: 'p' }, parameters: { duration } }).parameters
          .duration,
      ).toBe(duration);
    for (const duration of [0, 1, 31, 2.5])
      expect(
        problems({ model: 'wan3.0-video', input: { prompt: 'p' }, parameters: { duration } })[0],
      ).toMatchObject({
        field: 'parameters.duration',
        message: expect.stringMatching(/2 to 30, or -1/),
      });
  });

  it('refuses a first or last frame with references, a document or a link: the service answers it as a FAILED task', () => {
    for (const other of ['reference_image', 'reference_video', 'reference_audio', 'file', 'link'])
      expect(
        problems({ model: 'wan3.0-video', input: { prompt: 'p', media: media('first_frame', other) } }),
      ).toContainEqual({
        field: 'input.media',
        message: `first_frame cannot be mixed with ${other} (the service would fail the task)`,
      });
  });

  it('refuses a document with a link, a last frame alone, and counts above the contract', () => {
    expect(problems({ model: 'wan3.0-video', input: { media: media('file', 'link') } })).toContainEqual(
      expect.objectContaining({ field: 'input.media', message: 'file cannot be mixed with link' }),
    );
    expect(problems({ model: 'wan3.0-video', input: { media: media('last_frame') } })[0]!.message).toMatch(
      /^\[last_frame\] selects no mode of Wan 3\.0: .*first-last-frame \(first_frame \+ last_frame\)/,
    );
    const refs = (type: string, n: number) => Array.from({ length: n }, () => type);
    for (const [type, max] of [
      ['reference_image', 10],
      ['reference_video', 5],
      ['reference_audio', 5],
      ['first_frame', 1],
    ] as const)
      expect(
        problems({ model: 'wan3.0-video', input: { prompt: 'p', media: media(...refs(type, max + 1)) } }),
      ).toContainEqual({ field: 'input.media', message: `takes at most ${max} ${type}` });
  });

  it('needs a prompt for text and references, and something for every request; prompts up to 20,000 characters', () => {
    expect(problems({ model: 'wan3.0-video', input: {} })).toContainEqual(
      expect.objectContaining({ field: 'input', message: 'needs a prompt, media, or both' }),
    );
    expect(problems({ model: 'wan3.0-video', input: { media: media('reference_video') } })).toContainEqual({
      field: 'input.prompt',
      message: expect.stringMatching(/^is required for references to video/),
    });
    expect(parse({ model: 'wan3.0-video', input: { prompt: 'x'.repeat(20_000) } }).input.prompt).toHaveLength(
      20_000,
    );
    expect(problems({ model: 'wan3.0-video', input: { prompt: 'x'.repeat(20_001) } })[0]!.field).toBe(
      'input.prompt',
    );
  });

  it('takes {type, url} only: no role, no 2.7 role names, no negative_prompt; links are public http(s) only', () => {
    expect(
      problems({
        model: 'wan3.0-video',
        input: { prompt: 'p', media: [{ type: 'first_clip', url: url('c') }] },
      })[0]!.field,
    ).toBe('input.media.0.type');
    expect(
      problems({ model: 'wan3.0-video', input: { prompt: 'p', negative_prompt: 'blur' } })[0]!.field,
    ).toBe('input');
    expect(
      problems({
        model: 'wan3.0-video',
        input: { media: [{ type: 'link', url: 'asset://inputs/page.html' }] },
      })[0],
    ).toEqual({ field: 'input.media.0.url', message: 'must be a public http(s):// URL' });
    for (const url of [
      'http://127.0.0.1/admin',
      'http://[::1]/',
      'https://169.254.169.254/latest',
      'http://intranet.localhost/',
    ])
      expect(problems({ model: 'wan3.0-video', input: { media: [{ type: 'link', url }] } })[0]).toEqual({
        field: 'input.media.0.url',
        message: 'must be a public web page: the service reads it from the internet, not from your network',
      });
    expect(
      problems({
        model: 'wan3.0-video',
        input: { media: [{ type: 'link', url: 'https://me:pw@example.com/' }] },
      })[0]!.message,
    ).toMatch(/must not carry credentials/);
    expect(
      parse({ model: 'wan3.0-video', input: { media: [{ type: 'link', url: 'https://8.8.8.8/page' }] } }),
    ).toBeDefined();
    // Data URIs: the service takes them for images; from a user they would sit in the run's history.
    const dataFrame = {
      model: 'wan3.0-video',
      input: { media: [{ type: 'first_frame', url: 'data:image/png;base64,iVBORw0KGgo=' }] },
    };
    expect(problems(dataFrame)[0]).toEqual({
      field: 'input.media.0.url',
      message: 'must be a http(s), oss, asset URL (give the image as a file: wanflow uploads it)',
    });
    const wire = typedMediaRequestSchema(WAN30, 'lenient').parse(dataFrame);
    expect(wire.input.media![0]!.url).toMatch(/^data:image\/png/);
  });
});
