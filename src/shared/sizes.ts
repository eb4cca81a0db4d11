// How large a start may be. A job's request travels in its workflow's input, and Temporal refuses payloads
// past 2 MB (and warns past 512 KB) — at start, with no field named. Checked before anything starts, each
// problem naming its field and its limit: media belong in files or URLs, not inline beyond a modest image.
// Pure.
import type { FieldProblem } from '../wan/validation';

/** An inline `data:` image: beyond this, pass a file (it is stored and travels as a reference). */
export const MAX_DATA_URL_CHARS = 256 * 1024;
/** Any other URL: far beyond any signed URL seen, short of anything that would bloat history. */
export const MAX_URL_CHARS = 8 * 1024;
/** Any other text (prompts): the longest prompt a model takes (Wan 3.0: 20,000 characters). */
export const MAX_TEXT_CHARS = 20_000;
/** The whole request as JSON. */
export const MAX_REQUEST_BYTES = 384 * 1024;

const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value) ?? '').length;

/** Problems with the sizes in a request as the user wrote it, each naming its field and its limit. */
export function sizeProblems(request: unknown, prefix = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const visit = (value: unknown, path: string[]) => {
    if (typeof value === 'string') {
      const [limit, remedy] = value.startsWith('data:')
        ? [MAX_DATA_URL_CHARS, 'pass the image as a local file instead']
        : /^[a-z][a-z0-9+.-]*:\/\//i.test(value)
          ? [MAX_URL_CHARS, 'shorten it']
          : [MAX_TEXT_CHARS, 'no model takes text this long'];
      if (value.length > limit)
        problems.push({
          field: prefix + path.join('.'),
          value: `${value.slice(0, 40)}… (${value.length} characters)`,
          message: `is longer than ${limit} characters; ${remedy}`,
        });
    } else if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, String(i)]));
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
  };
  visit(request, []);
  const bytes = jsonBytes(request);
  if (!problems.length && bytes > MAX_REQUEST_BYTES) {
    const path = heaviest(request, bytes);
    problems.push({
      field: prefix + path.join('.') || prefix.replace(/\.$/, '') || 'request',
      value: `${bytes} bytes`,
      message: `makes the request larger than ${MAX_REQUEST_BYTES} bytes as JSON; pass media as files or URLs`,
    });
  }
  return problems;
}

/** The path to the part holding most of the request's size: down while one child holds half of it. */
function heaviest(value: unknown, total: number): string[] {
  const path: string[] = [];
  let at = value;
  for (;;) {
    if (!at || typeof at !== 'object') return path;
    const next = Object.entries(at).find(([, v]) => jsonBytes(v) * 2 >= total);
    if (!next) return path;
    path.push(next[0]);
    at = next[1];
  }
}
