// Legible simulated media: the model, seed and prompt are drawn into the frames (so a gallery of simulated
// runs reads like a real one), whatever characters the prompt holds.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mediaLabel, Renderer } from '../../src/simulator/render';
import { ffmpegPath } from '../../src/media/binaries';

const dir = mkdtempSync(join(tmpdir(), 'wanflow-legible-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The first frame's raw pixels, hashed by ffmpeg. */
function frameHash(file: string): string {
  return execFileSync(ffmpegPath(), ['-v', 'error', '-i', file, '-frames:v', '1', '-f', 'md5', '-'], {
    encoding: 'utf8',
  }).trim();
}

describe('legible simulated media', () => {
  it('labels: the model and seed first, the prompt wrapped to at most four lines', () => {
    expect(mediaLabel('wan2.7-t2v', 7, 'a lighthouse')).toBe('wan2.7-t2v · seed 7\na lighthouse');
    const long = mediaLabel('wan2.7-t2v', undefined, 'word '.repeat(100));
    const lines = long.split('\n');
    expect(lines[0]).toBe('wan2.7-t2v');
    expect(lines).toHaveLength(5);
    expect(lines[4]!.endsWith('…')).toBe(true);
    expect(lines.slice(1).every((l) => l.length <= 46)).toBe(true);
  });

  it('draws the label into the frames; a prompt of quotes, colons and %{…} renders as any other', async () => {
    const renderer = new Renderer(dir);
    const plain = await renderer.video(320, 240, 1);
    const a = await renderer.video(320, 240, 1, mediaLabel('wan2.7-t2v', 1, 'a lighthouse'));
    const b = await renderer.video(320, 240, 1, mediaLabel('wan2.7-t2v', 2, "it's 5:00 %{pts} \\ 'q'"));
    expect(new Set([plain, a, b]).size).toBe(3);
    expect(new Set([frameHash(plain), frameHash(a), frameHash(b)]).size).toBe(3);
    // Cached by label: the same label is the same file.
    expect(await renderer.video(320, 240, 1, mediaLabel('wan2.7-t2v', 1, 'a lighthouse'))).toBe(a);
  }, 60_000);
});
