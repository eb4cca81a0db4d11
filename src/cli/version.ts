// wanflow's version, as package.json says it: shown by `wanflow --version` and given to MCP clients.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const VERSION = (
  JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as { version: string }
).version;
