// Finds the server binaries the bootstrap installed: env var, the repo's .tools/bin, the user cache, PATH.
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { WanflowError } from '../shared/errors';
import { cacheDir, envVar } from '../config/env';

const PACKAGE_ROOT = resolve(__dirname, '../..');

export class MissingToolError extends WanflowError {
  override readonly name = 'MissingToolError';
  readonly remedy =
    'Run `npm run bootstrap` in the wanflow folder (it installs the servers into the user cache).';
}

const TOOL_VARIABLES = {
  temporal: 'WANFLOW_TEMPORAL_BIN',
  minio: 'WANFLOW_MINIO_BIN',
  'temporal-test-server': 'WANFLOW_TEMPORAL_TEST_SERVER_BIN',
} as const;

export function findTool(
  name: 'temporal' | 'minio' | 'temporal-test-server',
  env: NodeJS.ProcessEnv = process.env,
): string {
  const explicit = envVar(env, TOOL_VARIABLES[name]);
  const candidates = [
    explicit,
    join(PACKAGE_ROOT, '.tools', 'bin', name),
    join(cacheDir(env), 'bin', name),
    ...(envVar(env, 'PATH') ?? '').split(delimiter).map((d) => join(d, name)),
  ].filter((c): c is string => Boolean(c));
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new MissingToolError(`${name} not found; run \`npm run bootstrap\` or set ${TOOL_VARIABLES[name]}`);
  return found;
}
