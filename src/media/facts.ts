// What preflight needs to know of one input, read off an ffprobe result.
import type { MediaProbe } from './probe';
import type { MediaFacts } from '../shared/records';

// ffprobe names images by codec (its containers are "image2", "png_pipe" …) and videos by container.
const IMAGE_CODECS: Record<string, string> = { mjpeg: 'jpeg', png: 'png', bmp: 'bmp', webp: 'webp' };
const ALPHA_PIXEL_FORMATS = /^(rgba|bgra|argb|abgr|ya|yuva|gbrap)/;

export function factsOf(probe: MediaProbe): MediaFacts {
  const v = probe.video;
  const container = probe.formatName.split(',');
  let format = container[0] ?? 'unknown';
  if (v && IMAGE_CODECS[v.codec] && !container.includes('mp4')) format = IMAGE_CODECS[v.codec]!;
  // MP4 and MOV share one ffprobe demuxer ("mov,mp4,…"); both are accepted, so they are not told apart.
  else if (container.includes('mp4')) format = 'mp4';
  else if (!v && probe.audio?.codec === 'mp3') format = 'mp3';
  else if (container.includes('wav')) format = 'wav';
  return {
    format,
    sizeBytes: probe.sizeBytes,
    width: v?.width,
    height: v?.height,
    durationSeconds: format in { jpeg: 1, png: 1, bmp: 1, webp: 1 } ? undefined : probe.durationSeconds,
    ...(v?.fps && !(format in { jpeg: 1, png: 1, bmp: 1, webp: 1 })
      ? { fps: Math.round(v.fps * 100) / 100 }
      : {}),
    hasAlpha: v?.pixFmt ? ALPHA_PIXEL_FORMATS.test(v.pixFmt) : undefined,
  };
}
