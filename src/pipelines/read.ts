// Reads a pipeline spec file: YAML or JSON (JSON is YAML).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export function readSpecFile(path: string): unknown {
  return parse(readFileSync(path, 'utf8'));
}
