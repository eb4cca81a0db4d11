// The operator's commands on runs by ID (a pipeline's ID or key, or a job's ID): status, list, watch,
// cancel, result, and the one-time `setup` of a cluster's namespace. Exit codes: see exit-codes.ts.
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { loadConfig, type WanflowConfig } from '../config/config';
import { connectClient } from '../client/jobs';
import { cancelRun, findRun, listPipelines, runOutputs, waitForRun, type Run } from '../client/runs';
import { registerSearchAttributes } from '../client/setup';
import { createStore } from '../storage';
import type { JobRecord } from '../activities/job-record';
import type { PipelineRecord } from '../activities/pipeline-record';
import { EXIT, exitForStatus, UsageError } from './exit-codes';
import { listTable, pipelineTable } from './pipeline-view';
import { progressPrinter, summary } from './progress';
import { followPipeline, liveJobs } from './watch';
import type { Out } from './io';

async function connect(): Promise<{ config: WanflowConfig; client: Client }> {
  const config = loadConfig();
  return { config, client: await connectClient(config) };
}

function idArgument(command: string, positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError(`usage: wanflow ${command} <pipeline-or-job-id>`);
  return positionals[0]!;
}

export async function status(args: string[], io: Out): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' } },
  });
  const { client } = await connect();
  const run = await findRun(client, idArgument('status', positionals));
  if (values.json)
    io.out(
      JSON.stringify(
        {
          kind: run.kind,
          running: run.running,
          started: run.started,
          unanswered: run.unanswered,
          record: run.record,
        },
        null,
        2,
      ),
    );
  else if (!run.record) io.out(noRecord(run));
  else if (run.kind === 'job') io.out(summary(run.record));
  else io.out(pipelineTable(run.record, Date.now(), run.running ? await liveJobs(client, run.record) : {}));
  return EXIT.ok;
}

export async function list(args: string[], io: Out): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      state: { type: 'string' },
      label: { type: 'string', multiple: true },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
    throw new UsageError(`--limit ${JSON.stringify(values.limit)}: expected a positive whole number`);
  const states = ['running', 'stored', 'failed', 'canceled'];
  if (values.state && !states.includes(values.state))
    throw new UsageError(`--state ${JSON.stringify(values.state)}: must be one of ${states.join(', ')}`);
  const { config, client } = await connect();
  const rows = await listPipelines(
    client,
    { state: values.state, labels: values.label, limit },
    config.searchAttributes,
  );
  io.out(values.json ? JSON.stringify(rows, null, 2) : listTable(rows));
  return EXIT.ok;
}

export async function watch(args: string[], io: Out): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' } },
  });
  const { client } = await connect();
  const run = await findRun(client, idArgument('watch', positionals));
  if (run.kind === 'job') {
    const record = (await waitForRun(
      client,
      run,
      values.json ? undefined : progressPrinter(io.err),
    )) as JobRecord;
    io.out(values.json ? JSON.stringify({ event: 'finished', record }) : summary(record));
    return exitForStatus(record.status);
  }
  const record = await followPipeline(
    client,
    run.id,
    values.json ? { events: io.out } : { progress: io.err },
  );
  if (!values.json) io.out(pipelineTable(record, Date.now()));
  return exitForStatus(record.status);
}

export async function cancel(args: string[], io: Out): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { wait: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  const { client } = await connect();
  const run = await cancelRun(client, idArgument('cancel', positionals));
  if (!run.running) {
    const status = run.record?.status ?? 'closed';
    io.out(
      values.json
        ? JSON.stringify({ id: run.id, kind: run.kind, canceled: false, status })
        : `${run.kind} ${run.id} already ended: ${status}; nothing to cancel`,
    );
    return EXIT.wrongState;
  }
  if (!values.wait) {
    io.out(
      values.json
        ? JSON.stringify({ id: run.id, kind: run.kind, canceled: true })
        : `cancel requested for ${run.kind} ${run.id}`,
    );
    return EXIT.ok;
  }
  const record = await waitForRun(client, run);
  io.out(values.json ? JSON.stringify(record, null, 2) : render(run.kind, record));
  return exitForStatus(record.status);
}

export async function result(args: string[], io: Out): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      wait: { type: 'boolean' },
      urls: { type: 'boolean' },
      'expires-in': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const expiresIn = Number(values['expires-in'] ?? 3600);
  if (!(Number.isInteger(expiresIn) && expiresIn > 0 && expiresIn <= 7 * 86400))
    throw new UsageError(
      `--expires-in ${JSON.stringify(values['expires-in'])}: seconds, 1 to 604800 (7 days)`,
    );
  const { config, client } = await connect();
  const run = await findRun(client, idArgument('result', positionals));
  if (run.running && !values.wait) {
    io.err(
      `${run.kind} ${run.id} is still running; wait with --wait or follow it with \`wanflow watch ${run.id}\``,
    );
    return EXIT.wrongState;
  }
  const record = run.running ? await waitForRun(client, run) : run.record;
  if (!record) {
    io.err(noRecord(run));
    return EXIT.failed;
  }
  const store = createStore(config.storage);
  const outputs = runOutputs(run.kind, record);
  if (values.urls) for (const o of outputs) o.url = await store.url(o.key, expiresIn);
  const manifest = record.manifestKey
    ? {
        key: record.manifestKey,
        location: store.location(record.manifestKey),
        url: values.urls ? await store.url(record.manifestKey, expiresIn) : undefined,
      }
    : undefined;
  if (values.json)
    io.out(JSON.stringify({ id: run.id, kind: run.kind, status: record.status, outputs, manifest }, null, 2));
  else {
    for (const o of outputs) io.out(`${(o.stage ?? o.jobId).padEnd(12)} ${o.url ?? o.location}`);
    if (manifest) io.out(`${'manifest'.padEnd(12)} ${manifest.url ?? manifest.location}`);
    if (record.status !== 'stored') io.err(`${run.kind} ${run.id} ended ${record.status}`);
  }
  return exitForStatus(record.status);
}

export async function setup(_args: string[], io: Out): Promise<number> {
  const { config, client } = await connect();
  const added = await registerSearchAttributes(client, config.temporal.namespace);
  io.out(
    added.length
      ? `registered search attributes in namespace ${config.temporal.namespace}: ${added.join(', ')}`
      : `namespace ${config.temporal.namespace} already has wanflow's search attributes`,
  );
  return EXIT.ok;
}

function noRecord(run: Run): string {
  return run.running
    ? `${run.kind} ${run.id}: running since ${run.started}, but no worker answered for its state (${run.unanswered}); is \`wanflow worker\` running on this task queue?`
    : `${run.kind} ${run.id}: closed without a record (terminated?)`;
}

function render(kind: Run['kind'], record: PipelineRecord | JobRecord): string {
  return kind === 'pipeline'
    ? pipelineTable(record as PipelineRecord, Date.now())
    : summary(record as JobRecord);
}
