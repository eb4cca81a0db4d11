// `stage:<id>` and `stage:<id>#<n>` references in a stage's request: found and replaced. Apart from the
// spec's schema so that workflow code (which substitutes stored outputs for them) bundles no zod.

export const STAGE_REF = /^stage:([a-z0-9][a-z0-9-]*)(?:#(\d+))?$/;

export interface StageRefUse {
  /** Request path of the URL, e.g. `input.media.0.url`. */
  field: string;
  stage: string;
  /** 1-based output index. */
  output: number;
}

/** Every string in a request, with its path: where a media URL may stand. */
function stringsOf(request: Record<string, unknown>): { field: string; value: string }[] {
  const found: { field: string; value: string }[] = [];
  const visit = (value: unknown, path: string[]) => {
    if (typeof value === 'string') found.push({ field: path.join('.'), value });
    else if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, String(i)]));
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
  };
  visit(request, []);
  return found;
}

/** Every `stage:` reference in a stage's request, wherever a media URL may stand. */
export function stageRefsOf(request: Record<string, unknown>): StageRefUse[] {
  return stringsOf(request).flatMap(({ field, value }) => {
    const m = STAGE_REF.exec(value);
    return m ? [{ field, stage: m[1]!, output: Number(m[2] ?? 1) }] : [];
  });
}

/**
 * Whether a stage's request names stored media (an earlier stage's output, or a file staged into the
 * store): its route must then be able to take them (a temporary upload, or URLs the store signs).
 */
export function takesStoredInputs(request: Record<string, unknown>): boolean {
  return stringsOf(request).some(({ value }) => STAGE_REF.test(value) || value.startsWith('asset://'));
}

/** A copy of the request with every `stage:` reference replaced. */
export function substituteRefs(
  request: Record<string, unknown>,
  replace: (ref: StageRefUse) => string,
): Record<string, unknown> {
  const refs = new Map(stageRefsOf(request).map((r) => [r.field, r]));
  const visit = (value: unknown, path: string[]): unknown => {
    const ref = refs.get(path.join('.'));
    if (ref && typeof value === 'string') return replace(ref);
    if (Array.isArray(value)) return value.map((v, i) => visit(v, [...path, String(i)]));
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, [...path, k])]));
    return value;
  };
  return visit(request, []) as Record<string, unknown>;
}
