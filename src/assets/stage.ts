// Staging: local files named in a request are uploaded into the user's store (content-addressed, so a
// retried start uploads nothing twice) and replaced by asset references. Runs where the files are: the client.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { AssetStore } from '../storage/store';
import { InvalidRequestError, type FieldProblem } from '../wan/validation';
import { assetRef, localPath } from './refs';
import { agentInputsFolder, assetRefProblem } from './owners';

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

/**
 * The asset references in a request (or a spec's stage requests) that are unsafe keys, or not the agent's;
 * each problem names its field.
 */
export function assetProblems(body: unknown, agent?: string): FieldProblem[] {
  const stages = (body as { stages?: unknown } | null)?.stages;
  if (Array.isArray(stages))
    return stages.flatMap((s: { request?: unknown } | null, i) =>
      assetProblems(s?.request, agent).map((p) => ({ ...p, field: `stages.${i}.request.${p.field}` })),
    );
  return slotsOf(body).flatMap((s) => assetRefProblem(s.field, s.get(), agent) ?? []);
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * A copy of `request` whose local files stand as `asset://` references to be, so it can be validated (and
 * priced) before anything is read or stored; the files themselves are checked when they are staged.
 */
export function withLocalStandIns(request: unknown): unknown {
  const copy = structuredClone(request);
  for (const s of slotsOf(copy)) {
    const path = localPath(s.get());
    if (path !== undefined) s.set(assetRef(`local/${basename(path).replace(/[^\w.-]/g, '_') || 'file'}`));
  }
  return copy;
}

// Uploads under way, per store and key: rows of a campaign that name one file stage it concurrently, and
// two uploads of one key at once collide (S3 multipart uploads of one object abort each other).
const uploading = new WeakMap<AssetStore, Map<string, Promise<unknown>>>();

async function storeOnce(store: AssetStore, key: string, put: () => Promise<unknown>): Promise<void> {
  let inFlight = uploading.get(store);
  if (!inFlight) uploading.set(store, (inFlight = new Map()));
  let upload = inFlight.get(key);
  if (!upload) {
    upload = (async () => {
      if (await store.exists(key)) return;
      // The key is the content's hash: a concurrent writer elsewhere (another client, another store object)
      // stores the same bytes, and S3 may fail one of two uploads to one key. Whoever lands, it is ours.
      await put().catch(async () => {
        if (!(await store.exists(key))) await put();
      });
    })().finally(() => inFlight.delete(key));
    inFlight.set(key, upload);
  }
  await upload;
}

export interface StagingRules {
  /** Files must lie inside this folder (a spec's own folder); absent: the caller named them itself. */
  root?: string;
  /** The agent starting the run: its files are stored in its own folder, and it names only its own assets. */
  agent?: string;
}

// The largest input the contract allows (videos, 100 MB): nothing bigger is read.
const MAX_INPUT_BYTES = 100 * 1024 * 1024;

/**
 * Returns a copy of `request` whose local files are stored and referenced as `asset://` URLs, and whose
 * asset references are safe keys its starter owns (assets/owners.ts). Only
 * regular, non-empty media files (by extension, within the contract's size) are read — never a device,
 * a `/proc` file or a secret that happens to be readable — and, for specs, only inside their folder.
 */
export async function stageLocalInputs(
  request: unknown,
  store: AssetStore,
  cwd = process.cwd(),
  rules: StagingRules = {},
): Promise<unknown> {
  const copy = structuredClone(request);
  const problems: FieldProblem[] = [];
  await Promise.all(
    slotsOf(copy).map(async (s) => {
      const foreign = assetRefProblem(s.field, s.get(), rules.agent);
      if (foreign) return problems.push(foreign);
      const path = localPath(s.get());
      if (path === undefined) return;
      const file = resolve(cwd, path);
      const refuse = (message: string) => problems.push({ field: s.field, value: s.get(), message });
      if (rules.root && relative(rules.root, file).split(sep)[0] === '..') {
        // An agent is not told where the server keeps its files.
        return refuse(
          rules.agent === undefined
            ? `is outside the spec's folder ${rules.root}; move the file there or pass its URL`
            : 'is outside the folder local files are read from; pass a path inside it, or a URL',
        );
      }
      const ext = extname(file).slice(1).toLowerCase();
      if (!(ext in CONTENT_TYPES)) {
        return refuse(`is not a media file wanflow reads (${Object.keys(CONTENT_TYPES).join(', ')})`);
      }
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile() || info.size === 0) return refuse('is neither a URL nor a readable local file');
      if (info.size > MAX_INPUT_BYTES)
        return refuse(`is ${info.size} bytes; inputs are at most ${MAX_INPUT_BYTES} bytes`);
      const name = basename(file).replace(/[^\w.-]/g, '_');
      const folder = rules.agent === undefined ? 'inputs' : agentInputsFolder(rules.agent);
      const key = `${folder}/${(await sha256Of(file)).slice(0, 32)}/${name}`;
      await storeOnce(store, key, () => store.put(key, createReadStream(file), CONTENT_TYPES[ext]!));
      s.set(assetRef(key));
    }),
  );
  if (problems.length) throw new InvalidRequestError(problems);
  return copy;
}
