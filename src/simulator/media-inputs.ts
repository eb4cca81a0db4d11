// The simulator fetches every input URL the way the real service does, so an unreachable source fails
// at create, and probes it to size i2v outputs after the input's aspect.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';
import { probeMedia, type MediaProbe } from '../media/probe';
import { byteCounter } from '../storage/streams';
import { WanflowError } from '../shared/errors';

export class InputFetchError extends WanflowError {
  override readonly name = 'InputFetchError';
  readonly remedy = 'Give the task a media URL the service can download and decode.';
}

const MAX_BYTES = 100 * 1024 * 1024;
const NOT_PROBED: MediaProbe = { formatName: 'document' };

/** Probes an http(s) URL after downloading it, or a local file (an `oss://` upload already resolved).
 * Documents are downloaded only (`probe: false`): the service reads them, ffprobe cannot. */
export async function fetchAndProbe(
  url: string,
  { timeoutMs = 15_000, probe = true }: { timeoutMs?: number; probe?: boolean } = {},
): Promise<MediaProbe> {
  const probeOrNot = (file: string) => (probe ? probeMedia(file) : Promise.resolve(NOT_PROBED));
  if (url.startsWith('/')) return probeOrNot(url);
  if (!/^https?:\/\//.test(url)) throw new InputFetchError(`cannot download ${url}: not an http(s) URL`);
  const dir = await mkdtemp(join(tmpdir(), 'wanflow-sim-input-'));
  const file = join(dir, 'input');
  try {
    const res = await request(url, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new InputFetchError(`download of the media resource failed with HTTP ${res.statusCode}`);
    }
    await pipeline(
      res.body,
      byteCounter(() => undefined, MAX_BYTES),
      createWriteStream(file),
    );
    return await probeOrNot(file);
  } catch (err) {
    if (err instanceof InputFetchError) throw err;
    throw new InputFetchError(`download of the media resource failed: ${(err as Error).message}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
