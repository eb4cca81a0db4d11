// Test media made on the spot with ffmpeg: real images, clips and audio of chosen sizes and lengths.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ffmpegPath } from '../../src/media/binaries';

const run = promisify(execFile);

function target(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'wanflow-media-')), name);
}

function ffmpeg(args: string[]): Promise<unknown> {
  return run(ffmpegPath(), ['-y', '-v', 'error', ...args]);
}

export async function makeImage(
  width: number,
  height: number,
  format: 'png' | 'jpg' | 'gif' = 'png',
  alpha = false,
): Promise<string> {
  const file = target(`frame.${format}`);
  const filter = alpha ? ['-vf', 'format=rgba,colorchannelmixer=aa=0.5'] : [];
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${width}x${height}:duration=1`,
    ...filter,
    '-frames:v',
    '1',
    file,
  ]);
  return file;
}

export async function makeVideo(width: number, height: number, seconds: number, fps = 30): Promise<string> {
  const file = target('clip.mp4');
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${width}x${height}:rate=${fps}:duration=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    file,
  ]);
  return file;
}

export async function makeAudio(seconds: number, format: 'wav' | 'mp3' = 'wav'): Promise<string> {
  const file = target(`voice.${format}`);
  await ffmpeg(['-f', 'lavfi', '-i', `sine=frequency=330:duration=${seconds}`, file]);
  return file;
}

/** A PDF of `pages` blank pages, its page tree uncompressed (as most generators write it). */
export function makePdf(pages: number): string {
  const file = target('brief.pdf');
  const kids = Array.from({ length: pages }, (_, i) => `${i + 3} 0 R`).join(' ');
  const objects = [
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    `2 0 obj << /Type /Pages /Kids [${kids}] /Count ${pages} >> endobj`,
    ...Array.from(
      { length: pages },
      (_, i) => `${i + 3} 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj`,
    ),
  ];
  writeFileSync(file, ['%PDF-1.4', ...objects, 'trailer << /Root 1 0 R >>', '%%EOF', ''].join('\n'));
  return file;
}
