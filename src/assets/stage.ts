// Staging: local files named in a request are uploaded into the user's store (content-addressed, so a
// retried start uploads nothing twice) and replaced by asset references. Runs where the files are: the client.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { AssetStore } from '../storage/store';
import { InvalidRequestError, type FieldProblem } from '../wan/validation';
import { assetRef, localPath } from './refs';

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  bmp: 'image/bmp',
  webp: 'image/webp',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
};

type Slot = { field: string; get: () => string; set: (v: string) => void };

/** Every media URL slot of a request as the user wrote it (before validation). */
function slotsOf(request: unknown): Slot[] {
  const input = (request as { input?: Record<string, unknown> } | null)?.input;
  if (!input || typeof input !== 'object') return [];
  const slots: Slot[] = [];
  const slot = (obj: Record<string, unknown>, key: string, field: string) => {
    if (typeof obj[key] === 'string')
      slots.push({ field, get: () => obj[key] as string, set: (v) => (obj[key] = v) });
  };
  slot(input, 'audio_url', 'input.audio_url');
  if (Array.isArray(input.media)) {
    input.media.forEach((m: unknown, i) => {
      if (!m || typeof m !== 'object') return;
      slot(m as Record<string, unknown>, 'url', `input.media.${i}.url`);
      slot(m as Record<string, unknown>, 'reference_voice', `input.media.${i}.reference_voice`);
    });
  }
  const messages = input.messages;
  if (Array.isArray(messages)) {
    messages.forEach((m: { content?: unknown }, mi) => {
      if (!Array.isArray(m?.content)) return;
      m.content.forEach((part: unknown, pi: number) => {
        if (part && typeof part === 'object')
          slot(part as Record<string, unknown>, 'image', `input.messages.${mi}.content.${pi}.image`);
      });
    });
  }
  return slots;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** Returns a copy of `request` whose local files are stored and referenced as `asset://` URLs. */
export async function stageLocalInputs(
  request: unknown,
  store: AssetStore,
  cwd = process.cwd(),
): Promise<unknown> {
  const copy = structuredClone(request);
  const problems: FieldProblem[] = [];
  await Promise.all(
    slotsOf(copy).map(async (s) => {
      const path = localPath(s.get());
      if (path === undefined) return;
      const file = resolve(cwd, path);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) {
        problems.push({
          field: s.field,
          value: s.get(),
          message: 'is neither a URL nor a readable local file',
        });
        return;
      }
      const name = basename(file).replace(/[^\w.-]/g, '_');
      const key = `inputs/${(await sha256Of(file)).slice(0, 32)}/${name}`;
      if (!(await store.exists(key))) {
        const ext = name.split('.').pop()?.toLowerCase() ?? '';
        await store.put(key, createReadStream(file), CONTENT_TYPES[ext] ?? 'application/octet-stream');
      }
      s.set(assetRef(key));
    }),
  );
  if (problems.length) throw new InvalidRequestError(problems);
  return copy;
}
