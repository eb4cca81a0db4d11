// Every row's key: a column the user names (its values must be valid run IDs and unique), or a hash of
// the row's content, so starting the same file again adds nothing and appending rows adds only them.
// A row runs as `<campaign>/<key>`.
import { createHash } from 'node:crypto';
import { runIdProblem } from '../shared/ids';
import type { FieldProblem } from '../wan/validation';
import type { CampaignRow } from './rows';

export interface KeyedRow extends CampaignRow {
  key: string;
}

/** Keys for every row; identical rows share one key and run once (the later ones are reported). */
export function keyRows(
  rows: CampaignRow[],
  keyColumn?: string,
): { rows: KeyedRow[]; duplicates: { line: number; sameAs: number }[]; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const byKey = new Map<string, KeyedRow>();
  const duplicates: { line: number; sameAs: number }[] = [];
  for (const row of rows) {
    const key = keyColumn === undefined ? contentKey(row.values) : String(row.values[keyColumn] ?? '');
    if (keyColumn !== undefined) {
      const problem = runIdProblem(`rows[line ${row.line}].${keyColumn}`, key);
      if (problem) {
        problems.push(problem);
        continue;
      }
    }
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { ...row, key });
    else if (contentKey(seen.values) === contentKey(row.values))
      duplicates.push({ line: row.line, sameAs: seen.line });
    else
      problems.push({
        field: `rows[line ${row.line}].${keyColumn}`,
        value: key,
        message: `is also the key of line ${seen.line}, whose values differ`,
      });
  }
  return { rows: [...byKey.values()], duplicates, problems };
}

/** 16 hex digits of the SHA-256 of the row's values, columns in name order. */
export function contentKey(values: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(values)
      .sort()
      .map((k) => [k, values[k]]),
  );
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
