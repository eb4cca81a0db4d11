// Test media made on the spot with ffmpeg: real images of a chosen pixel size.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ffmpegPath } from '../../src/media/binaries';

const run = promisify(execFile);

export async function makeImage(
  width: number,
  height: number,
  format: 'png' | 'jpg' = 'png',
): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'wanflow-img-')), `frame.${format}`);
  await run(ffmpegPath(), [
    '-y',
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${width}x${height}:duration=1`,
    '-frames:v',
    '1',
    file,
  ]);
  return file;
}
