// Renders real media for results: playable H.264 MP4s of the requested pixel size and duration (30 fps,
// AAC audio) and PNG images, cached by size and length so repeated tasks cost one ffmpeg run.
import { execFile } from 'node:child_process';
import { mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ffmpegPath } from '../media/binaries';
import { OUTPUT_FPS } from '../wan/models';

const run = promisify(execFile);

export class Renderer {
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(private readonly dir: string) {}

  video(width: number, height: number, seconds: number): Promise<string> {
    return this.once(`${width}x${height}_${seconds}s.mp4`, [
      ...['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${OUTPUT_FPS}:duration=${seconds}`],
      ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${seconds}`],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
      ...['-c:a', 'aac', '-shortest', '-movflags', '+faststart'],
    ]);
  }

  image(width: number, height: number): Promise<string> {
    return this.once(`${width}x${height}.png`, [
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${width}x${height}`,
      '-frames:v',
      '1',
    ]);
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
