// Probes a media file or URL with ffprobe: container, streams, pixel size, duration.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ffprobePath } from './binaries';
import { WanflowError } from '../shared/errors';

const run = promisify(execFile);

export interface MediaProbe {
  formatName: string;
  durationSeconds?: number;
  sizeBytes?: number;
  video?: { codec: string; width: number; height: number; fps?: number; pixFmt?: string };
  audio?: { codec: string; sampleRate?: number };
}

interface FfprobeJson {
  format?: { format_name?: string; duration?: string; size?: string };
  streams?: {
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    pix_fmt?: string;
    sample_rate?: string;
  }[];
}

export class MediaProbeError extends WanflowError {
  override readonly name = 'MediaProbeError';
  readonly remedy = 'Check that the file or URL is a readable image, video or audio file.';
}

/**
 * The demuxers media is read with: self-contained files only. Playlists and manifests (hls, dash, concat …)
 * name further resources that ffmpeg would fetch, so they are never opened, whatever a file claims to be.
 * Formats no route accepts (GIF, WebM …) are still read, so a refusal can name the format found.
 */
export const MEDIA_DEMUXERS = [
  'mov',
  'matroska',
  'avi',
  'flv',
  'mpegts',
  'mpeg',
  'gif',
  'image2',
  'png_pipe',
  'jpeg_pipe',
  'bmp_pipe',
  'webp_pipe',
  'gif_pipe',
  'tiff_pipe',
  'mp3',
  'wav',
  'aac',
  'flac',
  'ogg',
].join(',');

export async function probeMedia(source: string, timeoutMs = 30_000): Promise<MediaProbe> {
  const remote = /^https?:\/\//i.test(source);
  const inline = source.startsWith('data:');
  // A file:// URL is percent-encoded (spaces, non-ASCII); ffprobe's file protocol wants the plain path.
  const input =
    remote || inline ? source : `file:${source.startsWith('file:') ? fileURLToPath(source) : source}`;
  let stdout: string;
  try {
    ({ stdout } = await run(
      ffprobePath(),
      [
        // A stalled remote read fails within the timeout instead of hanging (ffprobe counts microseconds).
        ...(remote ? ['-rw_timeout', String(timeoutMs * 1000)] : []),
        // Only the protocol the source names: no playlist or nested protocol may reach anything else.
        ...['-protocol_whitelist', remote ? 'http,https,tcp,tls' : inline ? 'data' : 'file'],
        ...['-format_whitelist', MEDIA_DEMUXERS],
        ...['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', input],
      ],
      { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 },
    ));
  } catch (err) {
    throw new MediaProbeError(
      `cannot probe ${redactQuery(source)}: ${(err as Error).message.split('\n')[0]}`,
      { cause: err },
    );
  }
  const j = JSON.parse(stdout) as FfprobeJson;
  const v = j.streams?.find((s) => s.codec_type === 'video');
  const a = j.streams?.find((s) => s.codec_type === 'audio');
  return {
    formatName: j.format?.format_name ?? 'unknown',
    durationSeconds: j.format?.duration ? Number(j.format.duration) : undefined,
    sizeBytes: j.format?.size ? Number(j.format.size) : undefined,
    video: v && {
      codec: v.codec_name ?? 'unknown',
      width: v.width ?? 0,
      height: v.height ?? 0,
      fps: fraction(v.avg_frame_rate),
      pixFmt: v.pix_fmt,
    },
    audio: a && {
      codec: a.codec_name ?? 'unknown',
      sampleRate: a.sample_rate ? Number(a.sample_rate) : undefined,
    },
  };
}

function fraction(text?: string): number | undefined {
  if (!text) return undefined;
  const [n, d] = text.split('/').map(Number);
  return n && d ? n / d : undefined;
}

/** Signed URLs carry credentials in the query: never print them. */
export function redactQuery(source: string): string {
  return source.replace(/\?.*$/, '?…');
}
