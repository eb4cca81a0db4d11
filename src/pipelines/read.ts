// Reads a spec or request file: YAML or JSON (JSON is YAML). A file that cannot be read as one document —
// missing, a folder, bad syntax, duplicate keys, an alias bomb — is bad input (exit 2) naming the reason,
// never a crash. A UTF-8 byte-order mark is allowed.
import { readFileSync, statSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { InvalidRequestError } from '../wan/validation';

// Specs and request bodies are small; a larger file is not one.
export const MAX_SPEC_BYTES = 1024 * 1024;

export function readSpecFile(path: string, field = 'spec'): unknown {
  const refuse = (message: string): never => {
    throw new InvalidRequestError([{ field, value: path, message }]);
  };
  let text = '';
  try {
    const info = statSync(path);
    if (!info.isFile()) refuse('is not a file');
    if (info.size > MAX_SPEC_BYTES) refuse(`is ${info.size} bytes; at most ${MAX_SPEC_BYTES}`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof InvalidRequestError) throw err;
    refuse(`cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseSpecText(text, field, path);
}

/** A spec or request body given as text (standard input), `source` naming it in errors. */
export function parseSpecText(text: string, field: string, source: string): unknown {
  const refuse = (message: string): never => {
    throw new InvalidRequestError([{ field, value: source, message }]);
  };
  if (Buffer.byteLength(text) > MAX_SPEC_BYTES) refuse(`is over ${MAX_SPEC_BYTES} bytes`);
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { uniqueKeys: true, prettyErrors: false });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) refuse(`is not valid YAML or JSON: ${problem.message.split('\n')[0]}`);
  try {
    // maxAliasCount bounds what aliases may expand to (a "billion laughs" document is refused).
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return refuse(`cannot be expanded: ${(err as Error).message.split('\n')[0]}`);
  }
}
