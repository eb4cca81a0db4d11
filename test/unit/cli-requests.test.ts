import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { addRequestFlags, requestFromFlags } from '../../src/cli/requests';
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

describe('Wan 3.0 flags', () => {
  it.each([
    [{ model: '3.0', prompt: 'p' }, 'wan3.0-video', []],
    [
      { model: '3.0-prime', firstFrame: u('f.png'), lastFrame: u('l.png') },
      'wan3.0-video-prime',
      ['first_frame', 'last_frame'],
    ],
    [
      { model: 'wan3.0-video', prompt: 'Video 1', referenceVideo: [u('v.mp4')] },
      'wan3.0-video',
      ['reference_video'],
    ],
    // Wan 3.0's own inputs imply the model.
    [{ prompt: 'Audio 1', referenceAudio: [u('a.mp3')] }, 'wan3.0-video', ['reference_audio']],
    [{ file: u('deck.pdf') }, 'wan3.0-video', ['file']],
    [{ link: u('launch') }, 'wan3.0-video', ['link']],
  ])('%j → %s', (flags, model, roles) => {
    const body = requestFromFlags(flags) as { model: string; input: { media?: { type: string }[] } };
    expect(body.model).toBe(model);
    expect((body.input.media ?? []).map((m) => m.type)).toEqual(roles);
    expect(() => parseWanRequest(body)).not.toThrow();
  });

  it('takes --duration -1 (the model chooses) and --silent (no native audio)', () => {
    const command = addRequestFlags(new Command('run').exitOverride());
    command.parse(
      ['--model', '3.0', '--prompt', 'p', '--duration', '-1', '--silent', '--resolution', '480p'],
      {
        from: 'user',
      },
    );
    const body = requestFromFlags(command.opts());
    expect(parseWanRequest(body)).toMatchObject({
      model: 'wan3.0-video',
      parameters: { duration: -1, audio: false, resolution: '480P' },
    });
    expect(() => command.parse(['--duration', '-2'], { from: 'user' })).toThrow(/must be a whole number/);
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
