// Media preflight: every image, video and audio input is probed before any paid call — a remote URL as the
// bytes the guarded fetcher downloaded (bounded by the input's limit; ffprobe never reads a network URL)
// — and checked against the contract's rules. All problems come back at once, each naming the field, the value found and the limit.
import pLimit from 'p-limit';
import { probeMedia, MediaProbeError } from './probe';
import { readDocument } from './documents';
import { PUBLIC_ONLY, type SourcePolicy } from './source-guard';
import { isRefused, withFetchedMedia, type RefusedSource } from './fetch';
import { factsOf } from './facts';
import type { MediaFacts } from '../shared/records';
import type { MediaRule } from '../wan/media-limits';
import type { FieldProblem } from '../wan/validation';

export interface MediaInput {
  /** Request path of the URL, e.g. `input.media.0.url`. */
  field: string;
  url: string;
  rule: MediaRule;
  /** A URL of the user's own store (an asset reference made readable): not checked as a foreign source. */
  trusted?: boolean;
}

// ffprobe processes are heavy; a burst of jobs (a campaign, a pipeline's stages) probes a few at a time.
const probes = pLimit(8);

export interface PreflightResult {
  facts: Record<string, MediaFacts>;
  problems: FieldProblem[];
  /** Inputs not probed, with the reason (e.g. `oss://` objects only the provider can read). */
  skipped: { field: string; reason: string }[];
}

export async function preflightMedia(
  inputs: readonly MediaInput[],
  timeoutMs = 20_000,
  policy: SourcePolicy = PUBLIC_ONLY,
): Promise<PreflightResult> {
  const result: PreflightResult = { facts: {}, problems: [], skipped: [] };
  await Promise.all(
    inputs.map(async (input) => {
      if (input.url.startsWith('oss://')) {
        result.skipped.push({
          field: input.field,
          reason: 'oss:// objects are readable by the provider only',
        });
        return;
      }
      const remote = /^https?:/i.test(input.url);
      const refuse = (message: string, value?: unknown) => {
        result.problems.push({ field: input.field, value: value ?? redact(input.url), message });
      };
      if (!remote && !input.trusted && !input.url.startsWith('data:'))
        return refuse(
          'is not fetched: only http(s), oss:// and data: URLs, local files and asset:// references are read',
        );
      // Documents are read, not probed: ffprobe knows no PDF.
      const read = (file: string): Promise<MediaFacts> =>
        input.rule.kind === 'document' ? readDocument(file) : probeMedia(file, timeoutMs).then(factsOf);
      let probed: MediaFacts | RefusedSource;
      try {
        probed = await probes(() =>
          remote
            ? withFetchedMedia(
                input.url,
                { policy, trusted: input.trusted ?? false, maxBytes: input.rule.maxBytes, timeoutMs },
                read,
              )
            : read(input.url),
        );
      } catch (err) {
        if (!(err instanceof MediaProbeError)) throw err;
        // The prober's own words stay in the worker's log: what a URL answered is not echoed back.
        return refuse(
          `could not be read as ${input.rule.kind} (unreachable, or not a media file wanflow can read)`,
        );
      }
      if (isRefused(probed)) return refuse(probed.refused, probed.value);
      const facts = probed;
      result.facts[input.field] = facts;
      result.problems.push(...check(input, facts));
    }),
  );
  return result;
}

function check({ field, rule }: MediaInput, f: MediaFacts): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (value: unknown, message: string) => problems.push({ field, value, message });
  // The older Office formats share one container: accepted where any of them is.
  const formats = f.format === 'doc/ppt/xls' ? ['doc', 'ppt', 'xls'] : [f.format];
  if (!formats.some((format) => rule.formats.includes(format)))
    add(f.format, `${rule.kind} format must be one of ${rule.formats.join(', ')}`);
  if (f.sizeBytes !== undefined && f.sizeBytes > rule.maxBytes)
    add(f.sizeBytes, `file is larger than ${rule.maxBytes / 2 ** 20} MB`);
  if (rule.kind === 'document') {
    if (rule.maxPages !== undefined && f.pages !== undefined && f.pages > rule.maxPages)
      add(f.pages, `document has more than ${rule.maxPages} pages`);
    return problems;
  }
  // A fact that could not be read fails the check: preflight never passes what it did not see.
  if (rule.kind !== 'audio' && !(f.width && f.height))
    add(f.format, `the ${rule.kind}'s pixel size could not be read`);
  if (rule.kind !== 'image' && f.durationSeconds === undefined)
    add(f.format, `the ${rule.kind}'s duration could not be read`);
  if (f.width && f.height) {
    const [short, long] = [Math.min(f.width, f.height), Math.max(f.width, f.height)];
    const size = `${f.width}x${f.height}`;
    if (rule.minSide && short < rule.minSide) add(size, `each side must be at least ${rule.minSide} px`);
    if (rule.maxSide && long > rule.maxSide) add(size, `each side must be at most ${rule.maxSide} px`);
    if (rule.maxAspect && long / short > rule.maxAspect)
      add(size, `aspect ratio must be within 1:${rule.maxAspect} to ${rule.maxAspect}:1`);
  }
  if (rule.minFps !== undefined && rule.kind === 'video') {
    if (f.fps === undefined) add(f.format, `the video's frame rate could not be read`);
    else if (f.fps < rule.minFps) add(f.fps, `video must have at least ${rule.minFps} frames per second`);
  }
  if (rule.alphaAllowed === false && f.hasAlpha)
    add('alpha channel', 'images must not have an alpha channel (transparency)');
  if (f.durationSeconds !== undefined) {
    const d = Math.round(f.durationSeconds * 100) / 100;
    if (rule.minSeconds !== undefined && d < rule.minSeconds)
      add(d, `${rule.kind} must last at least ${rule.minSeconds} s`);
    if (rule.maxSeconds !== undefined && d > rule.maxSeconds)
      add(d, `${rule.kind} must last at most ${rule.maxSeconds} s`);
  }
  return problems;
}

function redact(url: string): string {
  return url.replace(/\?.*$/, '?<redacted>');
}
