// Requests of a family whose one model takes typed media (`input.media[]` of `{type, url}`; Wan 3.0): the
// zod schema made from the family's data — counts, exclusions, the mode the media select, parameter
// ranges and defaults — so the parsed value is the exact body to send, every default explicit.
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import type { Strictness } from '../requests';
import type { Resolution } from '../models';
import type { MediaExclusion, ModeFacts, ModelFamily } from './family';

const SCHEMES: Record<Strictness, string> = { strict: 'https?|oss|asset', lenient: 'https?|oss' };
const DATA_IMAGE = 'data:image\\/[a-z]+;base64,[A-Za-z0-9+/=]+';

export interface TypedMediaItem {
  type: string;
  url: string;
}

export interface TypedMediaRequest<M extends string = string> {
  model: M;
  input: { prompt?: string; media?: TypedMediaItem[] };
  parameters: {
    resolution: Resolution;
    ratio?: string;
    duration: number;
    seed?: number;
  } & Record<string, boolean | number | string | undefined>;
}

export function typedMediaRequestSchema(family: ModelFamily, strictness: Strictness = 'strict') {
  const obj = strictness === 'strict' ? z.strictObject : z.object;
  const p = family.parameters;
  const types = Object.keys(family.media) as [string, ...string[]];
  const item = obj({ type: z.enum(types), url: z.string() }).superRefine((m, ctx) => {
    const facts = family.media[m.type]!;
    // A web page is read by the service itself: only a public http(s) address. Data URIs only on the
    // wire: from a user, a file path or URL keeps megabytes of base64 out of the run's history.
    const schemes = facts.readByService ? 'https?' : SCHEMES[strictness];
    const dataUri = facts.dataUri === true && strictness === 'lenient';
    const form = new RegExp(`^((${schemes}):\\/\\/\\S+${dataUri ? `|${DATA_IMAGE}` : ''})$`);
    const page = facts.readByService && form.test(m.url) ? notPublicPage(m.url) : undefined;
    if (page) ctx.addIssue({ code: 'custom', path: ['url'], input: m.url.slice(0, 80), message: page });
    if (!form.test(m.url))
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        input: m.url.slice(0, 80),
        message: `must be ${schemes === 'https?' ? 'a public http(s)://' : `a ${schemes.replace(/\|/g, ', ').replace('https?', 'http(s)')}`} URL${dataUri ? ' or a data:image/…;base64 URI' : m.url.startsWith('data:') ? ' (give the image as a file: wanflow uploads it)' : ''}`,
      });
  });
  const switches = Object.fromEntries(
    Object.entries(p.switches).map(([name, value]) => [name, z.boolean().default(value)]),
  );
  const { min, max, auto } = p.duration;
  const duration = z.number().refine((d) => d === auto || (Number.isInteger(d) && d >= min && d <= max), {
    message: `must be an integer from ${min} to ${max}${auto === undefined ? '' : `, or ${auto} to let the model choose`}`,
  });
  return obj({
    model: z.enum(family.models.map((m) => m.id) as [string, ...string[]]),
    input: obj({
      prompt: z.string().min(1, { message: 'must not be empty' }).max(p.promptMaxChars).optional(),
      media: z.array(item).min(1).optional(),
    }),
    parameters: obj({
      resolution: z.enum(p.resolutions as [string, ...string[]]).default(p.defaultResolution),
      ratio:
        p.defaultRatio === undefined
          ? z.enum(p.ratios as [string, ...string[]]).optional()
          : z.enum(p.ratios as [string, ...string[]]).default(p.defaultRatio),
      duration: duration.default(p.duration.default),
      ...switches,
      seed: z.number().int().min(0).max(p.seedMax).optional(),
    }).prefault({}),
  }).superRefine((req, ctx) => {
    const issue = (path: (string | number)[], input: unknown, message: string) =>
      ctx.addIssue({ code: 'custom', path, input, message });
    const media = req.input.media ?? [];
    if (req.input.prompt === undefined && media.length === 0)
      issue(['input'], req.input, 'needs a prompt, media, or both');
    const present = [...new Set(media.map((m) => m.type))];
    for (const type of present) {
      const count = media.filter((m) => m.type === type).length;
      const max = family.media[type]!.maxCount;
      if (count > max) issue(['input', 'media'], count, `takes at most ${max} ${type}`);
    }
    // On the wire the service takes a mix it answers as a FAILED task (the simulator fails it so);
    // wanflow refuses it before anything is paid.
    const clashes = exclusionsOf(family, present).filter(
      (c) => strictness === 'strict' || c.rule.answered !== 'failed task',
    );
    for (const { these, those, rule } of clashes)
      issue(
        ['input', 'media'],
        [...these, ...those],
        `${these.join(', ')} cannot be mixed with ${those.join(', ')}${rule.answered === 'failed task' ? ' (the service would fail the task)' : ''}`,
      );
    if (clashes.length < exclusionsOf(family, present).length) return;
    const mode = modeFor(family, req.model, present);
    if (!mode) {
      issue(
        ['input', 'media'],
        present,
        `[${present.join(', ')}] selects no mode of ${family.title}: ${family.modes.map(describeMode).join('; ')}`,
      );
    } else if (mode.prompt === 'required' && req.input.prompt === undefined) {
      issue(['input', 'prompt'], undefined, `is required for ${mode.title}`);
    }
  });
}

export interface MediaClash {
  these: string[];
  those: string[];
  rule: MediaExclusion;
}

/** The exclusions a set of media types breaks. */
export function exclusionsOf(family: ModelFamily, types: readonly string[]): MediaClash[] {
  return family.exclusive.flatMap((rule) => {
    const these = types.filter((t) => rule.these.includes(t));
    const those = types.filter((t) => rule.those.includes(t));
    return these.length && those.length ? [{ these, those, rule }] : [];
  });
}

/** Why the service could not read a page at this address: credentials in it, or a host no one on the
 * internet can reach (loopback, private, link-local). Names are not resolved here: the service does that. */
function notPublicPage(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.username || parsed.password)
    return 'must not carry credentials: the service reads it as anyone would';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const local = host === 'localhost' || host.endsWith('.localhost');
  let ip = ipaddr.isValid(host) ? ipaddr.parse(host) : undefined;
  if (ip?.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  return local || (ip && ip.range() !== 'unicast')
    ? 'must be a public web page: the service reads it from the internet, not from your network'
    : undefined;
}

/** The mode of `model` a set of media types selects, or undefined when none of its modes takes that set. */
export function modeFor(family: ModelFamily, model: string, types: readonly string[]): ModeFacts | undefined {
  const served = family.models.find((m) => m.id === model)?.modes;
  return family.modes.find((mode) => {
    if (served && !served.includes(mode.id)) return false;
    const allowed = [...mode.with, ...(mode.anyOf ?? []), ...(mode.allows ?? [])];
    return (
      mode.with.every((t) => types.includes(t)) &&
      (!mode.anyOf || mode.anyOf.some((t) => types.includes(t))) &&
      types.every((t) => allowed.includes(t))
    );
  });
}

/** The mode of a valid request. */
export function typedMediaModeOf(family: ModelFamily, request: TypedMediaRequest): string {
  return modeFor(family, request.model, [...new Set((request.input.media ?? []).map((m) => m.type))])!.id;
}

function describeMode(mode: ModeFacts): string {
  const needs = [
    ...mode.with,
    ...(mode.anyOf ? [`one or more of ${mode.anyOf.join('/')}`] : []),
    ...(mode.allows ? [`optionally ${mode.allows.join('/')}`] : []),
  ];
  return `${mode.id} (${needs.length ? needs.join(' + ') : 'no media'})`;
}
