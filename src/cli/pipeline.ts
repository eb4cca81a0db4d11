// `wanflow run spec.yaml`: start a pipeline (printing its ID) and, with --watch, follow it stage by stage.
import { parseArgs } from 'node:util';
import { dirname, resolve } from 'node:path';
import { loadConfig } from '../config/config';
import { connectClient } from '../client/jobs';
import { startPipeline } from '../client/pipelines';
import { readSpecFile } from '../pipelines/read';
import { exitForStatus, UsageError } from './exit-codes';
import { pipelineTable } from './pipeline-view';
import { followPipeline } from './watch';
import type { Out } from './io';

export function isSpecPath(arg: string | undefined): arg is string {
  return !!arg && /\.(ya?ml|json)$/i.test(arg) && !arg.startsWith('-');
}

export async function runPipeline(args: string[], io: Out): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      key: { type: 'string' },
      label: { type: 'string', multiple: true },
      watch: { type: 'boolean' },
      json: { type: 'boolean' },
      live: { type: 'boolean' },
    },
  });
  const config = loadConfig(values.live ? { ...process.env, WANFLOW_LIVE: '1' } : process.env);
  const spec = readSpecFile(positionals[0]!) as { labels?: Record<string, string> };
  // Labels from the command line join the spec's (and count in its identity under a key).
  if (values.label?.length) spec.labels = { ...spec.labels, ...parseLabels(values.label) };
  const client = await connectClient(config);
  // Files named in the spec are found next to it, wherever the command runs.
  const baseDir = dirname(resolve(positionals[0]!));
  const { pipelineId } = await startPipeline(client, config, { spec, key: values.key, baseDir });
  if (!values.watch) {
    io.out(values.json ? JSON.stringify({ pipelineId }) : pipelineId);
    return 0;
  }
  if (!values.json) io.err(`pipeline ${pipelineId}`);
  const record = await followPipeline(
    client,
    pipelineId,
    values.json ? { events: io.out } : { progress: io.err },
  );
  if (!values.json) io.out(pipelineTable(record, Date.now()));
  return exitForStatus(record.status);
}

/** `key=value` flags, refused with the flag's value when malformed. */
export function parseLabels(flags: string[]): Record<string, string> {
  return Object.fromEntries(
    flags.map((flag) => {
      const at = flag.indexOf('=');
      if (at < 1) throw new UsageError(`--label ${JSON.stringify(flag)}: expected key=value`);
      return [flag.slice(0, at), flag.slice(at + 1)];
    }),
  );
}
