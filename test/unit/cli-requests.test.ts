import { describe, expect, it } from 'vitest';
import { requestFromFlags } from '../../src/cli/requests';
import { parseVideoRequest, parseWanRequest } from '../../src/wan/validation';

const u = (n: string) => `https://example.com/${n}`;

describe('wanflow run flags → request body', () => {
  it.each([
    [{ prompt: 'p' }, 'wan2.7-t2v', []],
    [{ firstFrame: u('f.png') }, 'wan2.7-i2v', ['first_frame']],
    [{ firstClip: u('c.mp4'), lastFrame: u('l.png') }, 'wan2.7-i2v', ['last_frame', 'first_clip']],
    [
      { prompt: 'Image 1', referenceImage: [u('a.png'), u('b.png')], firstFrame: u('f.png') },
      'wan2.7-r2v',
      ['first_frame', 'reference_image', 'reference_image'],
    ],
    [{ video: u('v.mp4'), referenceImage: [u('s.png')] }, 'wan2.7-videoedit', ['video', 'reference_image']],
  ])('%j → %s', (flags, model, roles) => {
    const body = requestFromFlags(flags) as { model: string; input: { media?: { type: string }[] } };
    expect(body.model).toBe(model);
    expect((body.input.media ?? []).map((m) => m.type)).toEqual(roles);
    expect(() => parseVideoRequest(body)).not.toThrow();
  });

  it('maps parameters and keeps what the user typed for validation to judge', () => {
    const body = requestFromFlags({
      prompt: 'p',
      resolution: '720p',
      duration: 16,
      seed: 7,
      promptExtend: false,
    });
    expect(body).toMatchObject({
      parameters: { resolution: '720P', duration: 16, seed: 7, prompt_extend: false },
    });
    expect(() => parseVideoRequest(body)).toThrow(/parameters\.duration/);
  });
});

describe('image flags', () => {
  it('build one user message of images then the prompt', () => {
    const body = requestFromFlags({
      model: 'image-pro',
      prompt: 'poster',
      image: [u('a.png')],
      size: '2K',
      n: 2,
    });
    expect(body).toEqual({
      model: 'wan2.7-image-pro',
      input: { messages: [{ role: 'user', content: [{ image: u('a.png') }, { text: 'poster' }] }] },
      parameters: { size: '2K', n: 2 },
    });
    expect(() => parseWanRequest(body)).not.toThrow();
  });
});
