import { describe, expect, it } from 'vitest';
import { InvalidRequestError, parseWanRequest } from '../../src/wan/validation';
import { imagePixels } from '../../src/wan/image-requests';

const img = 'https://example.com/a.png';
const body = (content: object[], parameters: object = {}, model = 'wan2.7-image') => ({
  model,
  input: { messages: [{ role: 'user', content }] },
  parameters,
});
const text = { text: 'a red kite over dunes' };

function fieldsOf(b: unknown): string[] {
  try {
    parseWanRequest(b);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidRequestError);
    return (err as InvalidRequestError).problems.map((p) => p.field);
  }
}

describe('wan2.7-image and -pro', () => {
  it.each([
    ['text only', body([text]), []],
    ['nine images and a prompt', body([...Array.from({ length: 9 }, () => ({ image: img })), text]), []],
    [
      'ten images',
      body([...Array.from({ length: 10 }, () => ({ image: img })), text]),
      ['input.messages.0.content'],
    ],
    ['no prompt', body([{ image: img }]), ['input.messages.0.content']],
    ['a data URL image', body([{ image: 'data:image/png;base64,iVBORw0KGgo=' }, text]), []],
    ['an ftp image', body([{ image: 'ftp://x/a.png' }, text]), ['input.messages.0.content.0.image']],
    [
      'two messages',
      {
        model: 'wan2.7-image',
        input: {
          messages: [
            { role: 'user', content: [text] },
            { role: 'user', content: [text] },
          ],
        },
      },
      ['input.messages'],
    ],
    ['n 4', body([text], { n: 4 }), []],
    ['n 5', body([text], { n: 5 }), ['parameters.n']],
    ['n 12 in group mode', body([text], { n: 12, enable_sequential: true }), []],
    ['n 13 in group mode', body([text], { n: 13, enable_sequential: true }), ['parameters.n']],
    ['size 4K on pro, text only', body([text], { size: '4K' }, 'wan2.7-image-pro'), []],
    ['size 4K on the standard model', body([text], { size: '4K' }), ['parameters.size']],
    [
      'size 4K on pro with an input image',
      body([{ image: img }, text], { size: '4K' }, 'wan2.7-image-pro'),
      ['parameters.size'],
    ],
    ['size 1536*1024', body([text], { size: '1536*1024' }), []],
    ['size 8000*512', body([text], { size: '8000*512' }), ['parameters.size']],
    ['size 3K', body([text], { size: '3K' }), ['parameters.size']],
    [
      'thinking mode with an input image',
      body([{ image: img }, text], { thinking_mode: true }),
      ['parameters.thinking_mode'],
    ],
    ['a colour palette', body([text], { color_palette: ['#FF0000', '#00ff00'] }), []],
    ['a bad colour', body([text], { color_palette: ['red'] }), ['parameters.color_palette.0']],
    ['negative_prompt is not a parameter here', body([text], { negative_prompt: 'x' }), ['parameters']],
  ])('%s', (_name, b, fields) => {
    expect(fieldsOf(b)).toEqual(fields);
  });

  it('fills defaults: 2K, one image, no watermark', () => {
    expect(parseWanRequest(body([text])).parameters).toEqual({ size: '2K', n: 1, watermark: false });
  });

  it.each([
    ['1K', 1024, 1024],
    ['4K', 4096, 4096],
    ['1536*1024', 1536, 1024],
  ])('%s is %i×%i', (size, width, height) => expect(imagePixels(size)).toEqual({ width, height }));
});
