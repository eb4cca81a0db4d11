// Stills of a stored output — a thumbnail and, for a video, a contact sheet — made the first time a page
// shows them, then kept beside the output (`<name>.thumb.jpg`, `<name>.sheet.jpg`). Made when stored, they
// were most of a job's CPU (bench/burst.mjs: ffmpeg decoding the whole clip, ~0.5 s a job against ~0.2 s
// of orchestration) and they held every output of a burst from its record while the machine decoded
// clips nobody had asked to see. Records of older versions name their stills; those are shown as they are.
import { Readable } from 'node:stream';
import type { AssetStore } from '../storage/store';
import { makeStills } from '../media/thumbnails';
import { probeMedia } from '../media/probe';

export type StillKind = 'thumb' | 'sheet';

/** Where an output's still is kept. */
export function stillKey(outputKey: string, kind: StillKind): string {
  return `${outputKey.replace(/\.[^./]+$/, '')}.${kind}.jpg`;
}

/** Whether an output's key names a video (its stills include a contact sheet). */
export const isVideoKey = (key: string): boolean => /\.(mp4|mov|webm)$/i.test(key);
// A still that could not be made is not tried again for this long (a page asks every 2 s while a run goes).
const FAILED_FOR_MS = 10 * 60_000;

export class StillMaker {
  private readonly making = new Map<string, Promise<boolean>>();
  private readonly failed = new Map<string, number>();

  constructor(private readonly store: AssetStore) {}

  /** The key of the output's still, made now if it is not yet; undefined when none can be made. */
  async still(outputKey: string, kind: StillKind): Promise<string | undefined> {
    const video = isVideoKey(outputKey);
    if (kind === 'sheet' && !video) return undefined;
    const key = stillKey(outputKey, kind);
    if (await this.store.exists(key)) return key;
    if ((this.failed.get(outputKey) ?? 0) > Date.now()) return undefined;
    // One making per output, whoever asks meanwhile (its thumbnail and sheet are made together).
    let made = this.making.get(outputKey);
    if (!made) {
      made = this.make(outputKey, video).finally(() => this.making.delete(outputKey));
      this.making.set(outputKey, made);
    }
    return (await made) ? key : undefined;
  }

  private async make(outputKey: string, video: boolean): Promise<boolean> {
    try {
      const source = await this.store.url(outputKey, 600);
      const seconds = video ? (await probeMedia(source)).durationSeconds : undefined;
      const stills = await makeStills(source, video ? 'video' : 'image', seconds);
      await this.store.put(stillKey(outputKey, 'thumb'), Readable.from([stills.thumbnail]), 'image/jpeg');
      if (stills.contactSheet)
        await this.store.put(
          stillKey(outputKey, 'sheet'),
          Readable.from([stills.contactSheet]),
          'image/jpeg',
        );
      return true;
    } catch (err) {
      // The output is stored and playable: a still that cannot be made is only left out.
      console.error(`studio: no stills for ${outputKey}: ${(err as Error).message}`);
      this.failed.set(outputKey, Date.now() + FAILED_FOR_MS);
      if (this.failed.size > 10_000) this.failed.delete(this.failed.keys().next().value!);
      return false;
    }
  }
}
