// A campaign's report: every row with its status, run, task IDs, outputs and cost (JSONL and CSV), and
// its failures grouped by cause with their remedies. Rows the campaign never admitted (canceled before
// their turn) are listed as `not_started`, so every row of the file is accounted for.
import { stringify } from 'csv-stringify/sync';
import type { CampaignRowEntry, RowOutcome } from '../shared/campaigns';

export type ReportRow = Omit<RowOutcome, 'status' | 'finished'> & {
  status: RowOutcome['status'] | 'not_started';
  finished?: string;
};

export interface FailureGroup {
  cause: string;
  rows: number;
  remedy?: string;
  /** The first row with this cause, and its message. */
  example: { key: string; line: number; message: string };
}

/** Joins the rows (in file order) with their outcomes; a row without one was not started. */
export function reportRows(
  rows: Pick<CampaignRowEntry, 'key' | 'line'>[],
  outcomes: RowOutcome[],
): ReportRow[] {
  const byKey = new Map(outcomes.map((o) => [o.key, o]));
  return rows.map(
    (r) =>
      byKey.get(r.key) ?? {
        key: r.key,
        line: r.line,
        status: 'not_started',
        runId: '',
        taskIds: [],
        outputs: [],
      },
  );
}

export function failureGroups(rows: ReportRow[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const r of rows) {
    if (!r.failure) continue;
    const group = groups.get(r.failure.cause);
    if (group) group.rows += 1;
    else
      groups.set(r.failure.cause, {
        cause: r.failure.cause,
        rows: 1,
        remedy: r.failure.remedy,
        example: { key: r.key, line: r.line, message: r.failure.message },
      });
  }
  return [...groups.values()].sort((a, b) => b.rows - a.rows);
}

export function reportJsonl(rows: ReportRow[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
}

export function reportCsv(rows: ReportRow[]): string {
  return stringify(
    rows.map((r) => ({
      line: r.line,
      key: r.key,
      status: r.status,
      run: r.runId,
      tasks: r.taskIds.join(' '),
      outputs: r.outputs.join(' '),
      estimate: r.estimate ?? '',
      billed: r.billed ?? '',
      currency: r.currency ?? '',
      cause: r.failure?.cause ?? '',
      message: r.failure?.message ?? '',
    })),
    { header: true },
  );
}

/** Outcomes from report parts (JSONL); a later outcome of a row replaces an earlier one. */
export function parseOutcomes(parts: string[]): RowOutcome[] {
  return parts.flatMap((text) =>
    text
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as RowOutcome),
  );
}
