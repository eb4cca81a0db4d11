// `wanflow run spec.yaml`: start a pipeline (printing its ID) and, with --watch, follow it stage by stage.
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../config/config';
import { connectClient } from '../client/jobs';
import { getPipelineState, startPipeline, waitForPipeline } from '../client/pipelines';
import { readSpecFile } from '../pipelines/read';
import type { PipelineRecord } from '../activities/pipeline-record';

type Out = { out: (s: string) => void; err: (s: string) => void };

export function isSpecPath(arg: string | undefined): arg is string {
  return !!arg && /\.(ya?ml|json)$/i.test(arg) && !arg.startsWith('-');
}

export async function runPipeline(args: string[], io: Out): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      key: { type: 'string' },
      watch: { type: 'boolean' },
      json: { type: 'boolean' },
      live: { type: 'boolean' },
    },
  });
  const config = loadConfig(values.live ? { ...process.env, WANFLOW_LIVE: '1' } : process.env);
  const client = await connectClient(config);
  const { pipelineId } = await startPipeline(client, config, {
    spec: readSpecFile(positionals[0]!),
    key: values.key,
  });
  if (!values.watch) {
    io.out(values.json ? JSON.stringify({ pipelineId }) : pipelineId);
    return 0;
  }
  const record = await follow(client, pipelineId, values.json ? undefined : io.err);
  io.out(values.json ? JSON.stringify(record, null, 2) : summary(record));
  return record.status === 'stored' ? 0 : 1;
}

async function follow(
  client: Client,
  pipelineId: string,
  write?: (line: string) => void,
): Promise<PipelineRecord> {
  const done = waitForPipeline(client, pipelineId);
  if (!write) return done;
  const started = Date.now();
  let last = '';
  let finished = false;
  void done.finally(() => (finished = true)).catch(() => undefined);
  while (!finished) {
    await Promise.race([done, new Promise((r) => setTimeout(r, 1000))]).catch(() => undefined);
    const state = await getPipelineState(client, pipelineId).catch(() => undefined);
    const line = state ? state.order.map((id) => `${id} ${state.stages[id]!.status}`).join(' · ') : '';
    if (line && line !== last)
      write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${(last = line)}`);
  }
  return done;
}

function summary(r: PipelineRecord): string {
  const lines = [`pipeline ${r.pipelineId}: ${r.status}`];
  for (const id of r.order) {
    const s = r.stages[id]!;
    lines.push(
      `  ${id.padEnd(12)} ${s.status.padEnd(8)} ${s.outputs.join(', ')}${s.failure ? `  (${s.failure.cause}: ${s.failure.message})` : ''}`,
    );
  }
  const money = (t: Record<string, number>) =>
    Object.entries(t)
      .map(([c, a]) => `${a} ${c}`)
      .join(' + ') || '—';
  lines.push(
    `  cost         estimated ${money(r.cost.estimated)}, billed ${money(r.cost.billed)}`,
    `  manifest     ${r.manifestKey}`,
  );
  return lines.join('\n');
}
