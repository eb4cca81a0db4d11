// The guarded fetcher: preflight reads a remote input only through here. The host is checked (source-guard),
// each connection pinned to the checked address, no redirect followed, the body bounded by the input's
// limit and written to a private temporary file that ffprobe reads. ffprobe never gets a network URL, so
// nothing a file says — an HLS or DASH playlist's segments, a redirect — can make the worker fetch anything
// else; playlists are refused outright (no route documents them as inputs).
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';
import { checkSource, pinnedAgent, type SourcePolicy } from './source-guard';

export interface FetchOptions {
  policy: SourcePolicy;
  /** A URL of the user's own store (an asset reference made readable): its host is the operator's. */
  trusted: boolean;
  maxBytes: number;
  /** Idle limit: connecting, the headers, and each pause in the body. */
  timeoutMs: number;
}

/** Why a source was not read: what is wrong with its field (`is …`), and the value to show (a size). */
export interface RefusedSource {
  refused: string;
  value?: unknown;
}

// Whatever the idle limit, a whole download ends within this many of them.
const TOTAL_TIMEOUTS = 6;
const PLAYLIST_TYPES = /mpegurl|dash\+xml|vnd\.ms-sstr|smil/i;
const SNIFF_BYTES = 1024;
const MB = 2 ** 20;

/** Playlists and manifests name further resources (segments, periods) to fetch: never read as an input. */
export function isPlaylist(head: Buffer): boolean {
  const text = head
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart();
  if (/^#EXTM3U/.test(text) || /^ffconcat\s+version/i.test(text)) return true;
  return text.startsWith('<') && /<(MPD|smil|SmoothStreamingMedia)\b/i.test(text);
}

const PLAYLIST_REFUSAL =
  'is a playlist or manifest (HLS, DASH or similar) that names further resources; pass one media file';

class TooLarge extends Error {
  constructor(readonly bytes: number) {
    super('too large');
  }
}

/**
 * Downloads `source` within the rules and runs `use` on the local file (deleted after), or says why the
 * source was not read.
 */
export async function withFetchedMedia<T>(
  source: string,
  o: FetchOptions,
  use: (file: string, bytes: number) => Promise<T>,
): Promise<T | RefusedSource> {
  const checked = o.trusted
    ? { url: new URL(source), address: undefined }
    : await checkSource(source, o.policy);
  if ('problem' in checked) return { refused: `is not fetched: ${checked.problem}` };
  const tooLarge = (bytes: number): RefusedSource => ({
    refused: `is not fetched: file is larger than ${o.maxBytes / MB} MB`,
    value: `${bytes} bytes`,
  });
  const agent = pinnedAgent(checked.address, o.timeoutMs);
  const dir = await mkdtemp(join(tmpdir(), 'wanflow-preflight-'));
  try {
    const res = await request(checked.url, {
      dispatcher: agent,
      signal: AbortSignal.timeout(o.timeoutMs * TOTAL_TIMEOUTS),
    });
    if (res.statusCode >= 300) {
      await res.body.dump();
      if (res.statusCode < 400)
        return {
          refused: `is not fetched: it redirects (HTTP ${res.statusCode}); redirects are not followed: pass the final URL`,
        };
      // The store's own URL: the asset is not there (or the store cannot be read).
      if (o.trusted) return { refused: `is not in the store (it answered HTTP ${res.statusCode})` };
      return { refused: `is not fetched: it answered HTTP ${res.statusCode}` };
    }
    const declared = Number(res.headers['content-length']);
    const type = String(res.headers['content-type'] ?? '');
    if (declared > o.maxBytes || PLAYLIST_TYPES.test(type)) {
      res.body.destroy();
      return declared > o.maxBytes ? tooLarge(declared) : { refused: PLAYLIST_REFUSAL };
    }
    const file = join(dir, 'input');
    let bytes = 0;
    let head = Buffer.alloc(0);
    try {
      await pipeline(
        res.body,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            bytes += chunk.length;
            if (bytes > o.maxBytes) throw new TooLarge(bytes);
            if (head.length < SNIFF_BYTES) head = Buffer.concat([head, chunk]).subarray(0, SNIFF_BYTES);
            yield chunk;
          }
        },
        createWriteStream(file),
      );
    } catch (err) {
      if (err instanceof TooLarge) return tooLarge(err.bytes);
      throw err;
    }
    if (isPlaylist(head)) return { refused: PLAYLIST_REFUSAL };
    return await use(file, bytes);
  } catch (err) {
    if (err instanceof Error && err.name === 'TimeoutError')
      return { refused: `is not fetched: it was not read within ${(o.timeoutMs * TOTAL_TIMEOUTS) / 1000} s` };
    if (isNetworkError(err)) return { refused: 'is not fetched: it could not be reached' };
    throw err;
  } finally {
    await agent.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function isNetworkError(err: unknown): boolean {
  const code = (err as { code?: string } | undefined)?.code ?? '';
  return /^(UND_ERR|ECONN|ENOTFOUND|EHOST|ENET|ETIMEDOUT|EPIPE|EAI_)/.test(code);
}

/** Whether `value` is a refusal rather than what `use` returned. */
export function isRefused(value: unknown): value is RefusedSource {
  return typeof value === 'object' && value !== null && 'refused' in value;
}
