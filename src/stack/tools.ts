// Finds the server binaries the bootstrap installed: env var, the repo's .tools/bin, the user cache, PATH.
import { existsSync, readdirSync } from 'node:fs';
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
  'temporal-server': 'WANFLOW_TEMPORAL_SERVER_BIN',
  'temporal-sql-tool': 'WANFLOW_TEMPORAL_SQL_TOOL_BIN',
} as const;

export function findTool(name: keyof typeof TOOL_VARIABLES, env: NodeJS.ProcessEnv = process.env): string {
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

/** The schema the Temporal server's PostgreSQL stores need, which the bootstrap keeps beside the server. */
export function temporalSchemaDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = join(cacheDir(env), 'temporal-server-schema', 'postgresql', 'v12');
  if (!existsSync(dir))
    throw new MissingToolError(
      `the Temporal server's schema is not in ${dir}; run \`npm run bootstrap -- --cluster\``,
    );
  return dir;
}

/** A PostgreSQL program (initdb, postgres): WANFLOW_POSTGRES_BIN_DIR, PATH, then Debian's folders. */
export function findPostgresTool(name: 'initdb' | 'postgres', env: NodeJS.ProcessEnv = process.env): string {
  const debian = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .sort()
        .reverse()
        .map((v) => join('/usr/lib/postgresql', v, 'bin', name))
    : [];
  const dir = envVar(env, 'WANFLOW_POSTGRES_BIN_DIR');
  const candidates = [
    ...(dir ? [join(dir, name)] : []),
    ...(envVar(env, 'PATH') ?? '').split(delimiter).map((d) => join(d, name)),
    ...debian,
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new MissingToolError(
      `PostgreSQL's ${name} not found; install Debian's postgresql package (\`npm run bootstrap -- --cluster\` does) or set WANFLOW_POSTGRES_BIN_DIR`,
    );
  return found;
}
