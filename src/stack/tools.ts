// Finds the server binaries the bootstrap installed: env var, the repo's .tools/bin, the user cache, PATH.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

const PACKAGE_ROOT = resolve(__dirname, '../..');

export class MissingToolError extends Error {
  override readonly name = 'MissingToolError';
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.WANFLOW_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'wanflow');
}

export function findTool(
  name: 'temporal' | 'minio' | 'temporal-test-server',
  env: NodeJS.ProcessEnv = process.env,
): string {
  const explicit = env[`WANFLOW_${name.toUpperCase().replaceAll('-', '_')}_BIN`];
  const candidates = [
    explicit,
    join(PACKAGE_ROOT, '.tools', 'bin', name),
    join(cacheDir(env), 'bin', name),
    ...(env.PATH ?? '').split(delimiter).map((d) => join(d, name)),
  ].filter((c): c is string => Boolean(c));
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new MissingToolError(
      `${name} not found; run \`npm run bootstrap\` or set WANFLOW_${name.toUpperCase()}_BIN`,
    );
  return found;
}
