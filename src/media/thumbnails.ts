// Stills of a stored output for people to look at: a thumbnail (one frame, 320 px wide) and, for a video,
// a contact sheet (four frames across its length, side by side). JPEG bytes from ffmpeg's standard output.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ffmpegPath } from './binaries';
import { MEDIA_DEMUXERS } from './probe';
import { WanflowError } from '../shared/errors';

export class ThumbnailError extends WanflowError {
  override readonly name = 'ThumbnailError';
  readonly remedy = 'The output itself is stored; check that ffmpeg (WANFLOW_FFMPEG) can read it.';
}

export interface Stills {
  thumbnail: Buffer;
  /** Videos only. */
  contactSheet?: Buffer;
}

const THUMB_WIDTH = 320;
const SHEET_FRAMES = 4;
const SHEET_FRAME_WIDTH = 240;

/** Stills of `source` (a file path, file: URL or signed http(s) URL) of a video or an image. */
export async function makeStills(
  source: string,
  kind: 'video' | 'image',
  durationSeconds?: number,
): Promise<Stills> {
  const input = inputArgs(source);
  if (kind === 'image')
    return { thumbnail: await jpeg([...input, '-vf', `scale=${THUMB_WIDTH}:-2`], source) };
  const length = durationSeconds && durationSeconds > 0 ? durationSeconds : 1;
  // A frame a little in: the first is often black or a fade.
  const at = Math.min(1, length / 2).toFixed(2);
  const thumbnail = await jpeg(['-ss', at, ...input, '-vf', `scale=${THUMB_WIDTH}:-2`], source);
  const contactSheet = await jpeg(
    [
      ...input,
      '-vf',
      `fps=${(SHEET_FRAMES / length).toFixed(4)},scale=${SHEET_FRAME_WIDTH}:-2,tile=${SHEET_FRAMES}x1`,
    ],
    source,
  );
  return { thumbnail, contactSheet };
}

function inputArgs(source: string): string[] {
  const remote = /^https?:\/\//i.test(source);
  const path = source.startsWith('file:') ? fileURLToPath(source) : source;
  // Only the protocol the source names: a crafted file cannot make ffmpeg reach anything else.
  return [
    ...['-protocol_whitelist', remote ? 'http,https,tcp,tls' : 'file'],
    ...['-format_whitelist', MEDIA_DEMUXERS],
    ...['-i', remote ? source : `file:${path}`],
  ];
}

function jpeg(args: string[], source: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      ffmpegPath(),
      ['-v', 'error', ...args, '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '5', 'pipe:1'],
      { encoding: 'buffer', timeout: 60_000, maxBuffer: 8 * 1024 * 1024 },
      (err, stdout) => {
        if (err || !stdout.length)
          return reject(
            new ThumbnailError(
              `cannot make a still of ${source.replace(/\?.*$/, '?…')}: ${err?.message.split('\n')[0] ?? 'no frame'}`,
              { cause: err },
            ),
          );
        resolve(stdout);
      },
    );
  });
}
