// Renders real media for results: playable H.264 MP4s of the requested pixel size and duration (30 fps,
// AAC audio) and PNG images, cached by size and length so repeated tasks cost one ffmpeg run. Legible
// media (the studio's galleries, the demo) also carry a label drawn into every frame — the model, the seed
// and the prompt — and are cached by it too: one ffmpeg run per distinct label.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ffmpegPath } from '../media/binaries';
import { OUTPUT_FPS } from '../wan/models';

const run = promisify(execFile);

// Debian's DejaVu (fonts-dejavu-core); without it legible media are rendered plain.
const FONT = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'].find((f) => existsSync(f));

/** What a legible result shows: the model and seed, then the prompt wrapped to a few lines. */
export function mediaLabel(model: string, seed: number | undefined, prompt: string | undefined): string {
  const words = (prompt ?? '').replace(/\s+/g, ' ').trim().split(' ');
  const lines: string[] = [];
  for (const word of words) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + word.length < 44) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  const shown = lines.slice(0, 4);
  if (lines.length > 4) shown[3] = `${shown[3]} …`;
  return [`${model}${seed !== undefined ? ` · seed ${seed}` : ''}`, ...shown.filter(Boolean)].join('\n');
}

export class Renderer {
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(private readonly dir: string) {}

  /** `audio: false`: a clip without a sound track (Wan 3.0's `audio: false`). */
  video(width: number, height: number, seconds: number, label?: string, audio = true): Promise<string> {
    return this.labeled(`${width}x${height}_${seconds}s${audio ? '' : '_silent'}`, 'mp4', label, (filter) => [
      ...['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${OUTPUT_FPS}:duration=${seconds}`],
      ...(audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${seconds}`] : []),
      ...filter,
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
      ...(audio ? ['-c:a', 'aac', '-shortest'] : []),
      ...['-movflags', '+faststart'],
    ]);
  }

  image(width: number, height: number, label?: string): Promise<string> {
    return this.labeled(`${width}x${height}`, 'png', label, (filter) => [
      ...['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}`],
      ...filter,
      ...['-frames:v', '1'],
    ]);
  }

  /**
   * Media named by `base`, with `label` drawn on it when given (and a font is there to draw it with). The
   * label is read from a file beside the cache, never put into the filter text: a prompt holding quotes,
   * colons or `%{…}` cannot change the filter.
   */
  private async labeled(
    base: string,
    ext: string,
    label: string | undefined,
    args: (filter: string[]) => string[],
  ): Promise<string> {
    if (!label || !FONT) return this.once(`${base}.${ext}`, args([]));
    const digest = createHash('sha256').update(label).digest('hex').slice(0, 16);
    const textFile = join(this.dir, `label-${digest}.txt`);
    await mkdir(this.dir, { recursive: true });
    await writeFile(textFile, label);
    const draw = [
      `drawtext=fontfile=${FONT}:textfile=${textFile}:expansion=none`,
      'fontcolor=white:fontsize=h/22:line_spacing=6:box=1:boxcolor=black@0.65:boxborderw=12:x=24:y=24',
    ].join(':');
    return this.once(`${base}_${digest}.${ext}`, args(['-vf', draw]));
  }

  private once(name: string, args: string[]): Promise<string> {
    let p = this.inflight.get(name);
    if (!p) {
      p = this.produce(name, args);
      p.catch(() => this.inflight.delete(name));
      this.inflight.set(name, p);
    }
    return p;
  }

  private async produce(name: string, args: string[]): Promise<string> {
    const target = join(this.dir, name);
    if (
      await stat(target).then(
        () => true,
        () => false,
      )
    )
      return target;
    await mkdir(this.dir, { recursive: true });
    // Written aside and renamed, so a crash never leaves a half file under the cached name.
    const tmp = join(this.dir, `.${process.pid}.${name}`);
    await run(ffmpegPath(), ['-y', '-v', 'error', ...args, tmp], { timeout: 300_000 });
    await rename(tmp, target);
    return target;
  }
}
