// How large a start may be. A job's request travels in its workflow's input, and Temporal refuses payloads
// past 2 MB (and warns past 512 KB) — at start, with no field named. Checked before anything starts:
// media belong in files or URLs, not inline beyond a modest image. Pure.
import type { FieldProblem } from '../wan/validation';

/** An inline `data:` image: beyond this, pass a file (it is stored and travels as a reference). */
export const MAX_DATA_URL_CHARS = 256 * 1024;
/** Any other URL: far beyond any signed URL seen, short of anything that would bloat history. */
export const MAX_URL_CHARS = 8 * 1024;
/** The whole request as JSON. */
export const MAX_REQUEST_BYTES = 384 * 1024;

/** Problems with the sizes in a request as the user wrote it, each naming its field. */
export function sizeProblems(request: unknown, prefix = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const visit = (value: unknown, path: string[]) => {
    if (typeof value === 'string') {
      const limit = value.startsWith('data:')
        ? MAX_DATA_URL_CHARS
        : /^[a-z][a-z0-9+.-]*:\/\//i.test(value)
          ? MAX_URL_CHARS
          : 0;
      if (limit && value.length > limit)
        problems.push({
          field: prefix + path.join('.'),
          value: `${value.slice(0, 40)}… (${value.length} characters)`,
          message: `is longer than ${limit} characters; ${value.startsWith('data:') ? 'pass the image as a local file instead' : 'shorten it'}`,
        });
    } else if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, String(i)]));
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
  };
  visit(request, []);
  const bytes = new TextEncoder().encode(JSON.stringify(request) ?? '').length;
  if (!problems.length && bytes > MAX_REQUEST_BYTES)
    problems.push({
      field: prefix ? prefix.replace(/\.$/, '') : '(request)',
      value: `${bytes} bytes`,
      message: `is larger than ${MAX_REQUEST_BYTES} bytes as JSON; pass media as files or URLs`,
    });
  return problems;
}
