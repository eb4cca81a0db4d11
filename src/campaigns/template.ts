// A campaign's template: a job request or a pipeline spec whose strings name row columns. A string that
// is only a placeholder takes the cell's value, typed on request (`{{duration:integer}}`,
// `{{extend:boolean}}`, `{{weight:number}}`; JSONL values keep their JSON type); a placeholder inside
// text is replaced by the cell as text (`"a {{color}} boat"`). An empty or missing cell is a problem
// naming the row's field, never a silent default.
const WHOLE = /^\{\{\s*([A-Za-z_][\w-]*)\s*(?::\s*(string|number|integer|boolean)\s*)?\}\}$/;
const INLINE = /\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/g;

export interface TemplateProblem {
  /** Where in the template: `input.prompt`, `stages.1.request.parameters.duration`. */
  path: string;
  value: unknown;
  message: string;
}

/** Every column the template names. */
export function templateVariables(template: unknown): string[] {
  const names = new Set<string>();
  walkStrings(template, (s) => {
    const whole = WHOLE.exec(s);
    if (whole) names.add(whole[1]!);
    else for (const m of s.matchAll(INLINE)) names.add(m[1]!);
  });
  return [...names];
}

/** The template with one row's values in place, and what could not be filled. */
export function expandTemplate(
  template: unknown,
  values: Record<string, unknown>,
): { value: unknown; problems: TemplateProblem[] } {
  const problems: TemplateProblem[] = [];
  const cell = (name: string, path: string): unknown => {
    const v = values[name];
    if (v === undefined || v === null || v === '') {
      problems.push({ path, value: name, message: `column "${name}" is empty in this row` });
      return undefined;
    }
    return v;
  };
  const expand = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') {
      const whole = WHOLE.exec(node);
      if (whole) {
        const v = cell(whole[1]!, path);
        return v === undefined ? node : typed(v, whole[2], path, problems);
      }
      return node.replace(INLINE, (_, name: string) => {
        const v = cell(name, path);
        return v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      });
    }
    if (Array.isArray(node)) return node.map((n, i) => expand(n, join(path, String(i))));
    if (node && typeof node === 'object')
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, expand(v, join(path, k))]));
    return node;
  };
  return { value: expand(template, ''), problems };
}

function typed(v: unknown, type: string | undefined, path: string, problems: TemplateProblem[]): unknown {
  if (type === undefined || type === 'string') return type === 'string' ? String(v) : v;
  if (type === 'boolean') {
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
  } else {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (Number.isFinite(n) && (type === 'number' || Number.isInteger(n))) return n;
  }
  problems.push({ path, value: v, message: `is not ${type === 'integer' ? 'a whole number' : `a ${type}`}` });
  return v;
}

function walkStrings(node: unknown, visit: (s: string) => void): void {
  if (typeof node === 'string') visit(node);
  else if (Array.isArray(node)) node.forEach((n) => walkStrings(n, visit));
  else if (node && typeof node === 'object') Object.values(node).forEach((n) => walkStrings(n, visit));
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
