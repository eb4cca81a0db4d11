// Whether a task found in the list can be the one a lost create made: by every field the task echoes.
import { describe, expect, it } from 'vitest';
import { compareEcho, echoOf, normalizePrompt } from '../../src/wan/echo';
import { parseWanRequest } from '../../src/wan/validation';
import type { TaskSnapshot } from '../../src/wan/tasks';

const t2v = (prompt: string, parameters: Record<string, unknown> = {}) =>
  parseWanRequest({
    model: 'wan2.7-t2v',
    input: { prompt },
    parameters: { resolution: '720P', duration: 5, ...parameters },
  });
const task = (over: Partial<TaskSnapshot>): TaskSnapshot => ({ taskId: 't', status: 'RUNNING', ...over });

describe('compareEcho', () => {
  it.each([
    ['the same prompt', 'a fox', task({ origPrompt: 'a fox' }), 'match'],
    ['the prompt as the service normalises it', '  a   fox\n', task({ origPrompt: 'a fox' }), 'match'],
    ['another prompt', 'a fox', task({ origPrompt: 'a wolf' }), 'mismatch'],
    ['no prompt echoed', 'a fox', task({ origPrompt: '' }), 'uncertain'],
    ['a prompt-less request and a prompted task', '', task({ origPrompt: 'a fox' }), 'mismatch'],
    [
      'a finished task of another resolution',
      'a fox',
      task({ origPrompt: 'a fox', status: 'SUCCEEDED', usage: { sr: 1080, outputVideoDuration: 5 } }),
      'mismatch',
    ],
    [
      'a finished task of another length',
      'a fox',
      task({ origPrompt: 'a fox', status: 'SUCCEEDED', usage: { sr: 720, outputVideoDuration: 10 } }),
      'mismatch',
    ],
    [
      'a finished task of the same size and length',
      'a fox',
      task({
        origPrompt: 'a fox',
        status: 'SUCCEEDED',
        usage: { sr: 720, outputVideoDuration: 5, ratio: '16:9' },
      }),
      'match',
    ],
  ])('%s', (_, prompt, snap, verdict) => {
    const request = prompt
      ? t2v(prompt)
      : parseWanRequest({
          model: 'wan2.7-i2v',
          input: { media: [{ type: 'first_frame', url: 'https://example.com/a.png' }] },
        });
    expect(compareEcho(request, snap).verdict).toBe(verdict);
  });

  it('gives requests that differ only in what tasks do not echo the same echo', () => {
    expect(echoOf(t2v('a fox', { seed: 1 }))).toBe(echoOf(t2v(' a fox ', { seed: 1001 })));
    expect(echoOf(t2v('a fox'))).not.toBe(echoOf(t2v('a wolf')));
    expect(normalizePrompt('a\u00a0 fox ')).toBe('a fox');
  });

  it('matches a Wan 3.0 task to its request: an adaptive ratio and a length the model chose are not told apart', () => {
    const request = (parameters: Record<string, unknown>) =>
      parseWanRequest({ model: 'wan3.0-video', input: { prompt: 'a fox' }, parameters });
    const finished = (usage: TaskSnapshot['usage']) =>
      task({ origPrompt: 'a fox', status: 'SUCCEEDED', usage });
    // Unset, the ratio is adaptive: the task echoes the ratio the model took (16:9 for text alone).
    expect(
      compareEcho(
        request({ resolution: '480P' }),
        finished({ sr: 480, outputVideoDuration: 5, ratio: '16:9' }),
      ),
    ).toEqual({
      verdict: 'match',
    });
    expect(
      compareEcho(
        request({ resolution: '480P', duration: -1 }),
        finished({ sr: 480, outputVideoDuration: 11, ratio: '16:9' }),
      ),
    ).toEqual({ verdict: 'match' });
    expect(
      compareEcho(request({ resolution: '480P', ratio: '1:1' }), finished({ sr: 480, ratio: '16:9' })),
    ).toEqual({
      verdict: 'mismatch',
      field: 'parameters.ratio',
    });
    expect(compareEcho(request({}), finished({ sr: 480 }))).toEqual({
      verdict: 'mismatch',
      field: 'parameters.resolution',
    });
  });
});
