// A campaign's rows: CSV (a header row names the columns) or JSONL (one JSON object per line), read
// whole and checked before anything is paid. Every problem names the row by its line in the file.
import { readFileSync, statSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { InvalidRequestError, type FieldProblem } from '../wan/validation';

/** One row: the line it starts on (1-based, the header is line 1 in a CSV) and its values by column. */
export interface CampaignRow {
  line: number;
  values: Record<string, unknown>;
}

export interface CampaignRows {
  format: 'csv' | 'jsonl';
  /** CSV: the header's columns; JSONL: every key any row has. */
  columns: string[];
  rows: CampaignRow[];
}

// 10,000 rows of a few hundred bytes each fit many times over; a larger file is not a campaign's rows.
export const MAX_ROWS_BYTES = 64 * 1024 * 1024;
export const MAX_ROWS = 100_000;

/** Reads a rows file; its format is its extension (.csv, .jsonl or .ndjson). */
export function readRowsFile(path: string, field = 'rows'): CampaignRows {
  const refuse = (message: string): never => {
    throw new InvalidRequestError([{ field, value: path, message }]);
  };
  const format = /\.csv$/i.test(path) ? 'csv' : /\.(jsonl|ndjson)$/i.test(path) ? 'jsonl' : undefined;
  if (!format) return refuse('must end in .csv, .jsonl or .ndjson');
  let text = '';
  try {
    const info = statSync(path);
    if (!info.isFile()) refuse('is not a file');
    if (info.size > MAX_ROWS_BYTES) refuse(`is ${info.size} bytes; at most ${MAX_ROWS_BYTES}`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof InvalidRequestError) throw err;
    refuse(`cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseRows(text, format, field);
}

export function parseRows(text: string, format: 'csv' | 'jsonl', field = 'rows'): CampaignRows {
  const parsed = format === 'csv' ? csvRows(text, field) : jsonlRows(text, field);
  if (parsed.rows.length === 0)
    throw new InvalidRequestError([{ field, message: 'has no rows', value: undefined }]);
  if (parsed.rows.length > MAX_ROWS)
    throw new InvalidRequestError([
      { field, value: parsed.rows.length, message: `has more than ${MAX_ROWS} rows; split the campaign` },
    ]);
  return parsed;
}

function csvRows(text: string, field: string): CampaignRows {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  let columns: string[] = [];
  try {
    records = parse(text, {
      bom: true,
      columns: (header: string[]) => (columns = header.map((h) => h.trim())),
      skip_empty_lines: true,
      info: true,
    }) as typeof records;
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new InvalidRequestError([
      {
        field: e.lines ? `${field}[line ${e.lines}]` : field,
        value: undefined,
        message: `is not valid CSV: ${e.message}`,
      },
    ]);
  }
  const duplicate = columns.find((c, i) => columns.indexOf(c) !== i || c === '');
  if (duplicate !== undefined)
    throw new InvalidRequestError([
      { field: `${field}[line 1]`, value: duplicate, message: 'every column needs a name of its own' },
    ]);
  // `info.lines` is the line a record ends on; a record spanning lines (a quoted newline) starts earlier.
  return { format: 'csv', columns, rows: records.map((r) => ({ line: r.info.lines, values: r.record })) };
}

function jsonlRows(text: string, field: string): CampaignRows {
  const rows: CampaignRow[] = [];
  const problems: FieldProblem[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.trim();
      if (!line) return;
      try {
        const value: unknown = JSON.parse(line);
        if (typeof value !== 'object' || value === null || Array.isArray(value))
          problems.push({
            field: `${field}[line ${i + 1}]`,
            value: line.slice(0, 80),
            message: 'must be a JSON object',
          });
        else rows.push({ line: i + 1, values: value as Record<string, unknown> });
      } catch (err) {
        problems.push({
          field: `${field}[line ${i + 1}]`,
          value: line.slice(0, 80),
          message: `is not JSON: ${(err as Error).message}`,
        });
      }
    });
  if (problems.length) throw new InvalidRequestError(problems.slice(0, 50));
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r.values)))];
  return { format: 'jsonl', columns, rows };
}
