// Helpers to run a job through the public client and inspect what landed in storage.
import { mkdtempSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Client } from '@temporalio/client';
import {
  connectClient,
  getJobState,
  startJob,
  waitForJob,
  type StartJobRequest,
} from '../../src/client/jobs';
import { loadConfig, type WanflowConfig } from '../../src/config/config';
import { createStore } from '../../src/storage';
import type { AssetStore } from '../../src/storage/store';
import { HashingStream } from '../../src/storage/streams';
import type { JobRecord } from '../../src/shared/records';
import { probeMedia, type MediaProbe } from '../../src/media/probe';

export interface JobHarness {
  config: WanflowConfig;
  client: Client;
  store: AssetStore;
  run(request: unknown, opts?: Omit<StartJobRequest, 'request'>): Promise<JobRecord>;
}

export async function jobHarness(env: NodeJS.ProcessEnv): Promise<JobHarness> {
  const config = loadConfig(env);
  const client = await connectClient(config);
  const store = createStore(config.storage);
  return {
    config,
    client,
    store,
    async run(request, opts = {}) {
      const { jobId } = await startJob(client, config, { ...opts, request });
      return waitForJob(client, jobId);
    },
  };
}

/** Downloads a stored asset to a temp file, returning its SHA-256 and probe. */
export async function inspectStored(
  store: AssetStore,
  key: string,
): Promise<{ sha256: string; probe: MediaProbe; file: string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'wanflow-check-')), key.split('/').pop()!);
  const hashing = new HashingStream();
  await pipeline(await store.get(key), hashing, createWriteStream(file));
  return { sha256: hashing.digest(), probe: await probeMedia(file), file };
}

export async function readJson<T>(store: AssetStore, key: string): Promise<T> {
  const chunks: Buffer[] = [];
  for await (const c of await store.get(key)) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** A workflow's whole history as text, with every payload's bytes decoded, for searching. */
export async function historyText(client: Client, workflowId: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  // The history's own toJSON renders payload bytes (`data`) as base64 before a replacer sees them.
  return JSON.stringify(history, (key, value: unknown) =>
    key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value,
  );
}

/** The job's record once its task exists (the create answered), polling its query. */
export async function untilSubmitted(client: Client, jobId: string): Promise<JobRecord> {
  for (let i = 0; i < 100; i++) {
    const r = await getJobState(client, jobId).catch(() => undefined);
    if (r?.taskId) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`job ${jobId} was never submitted`);
}

/** `n` two-second jobs on one prompt (the case where each task's news must reach its own job), started at
 * once; their records. */
export async function runOnOnePrompt(h: JobHarness, prefix: string, n: number): Promise<JobRecord[]> {
  const ids = await Promise.all(
    Array.from({ length: n }, async () => {
      const { jobId } = await startJob(h.client, h.config, {
        request: {
          model: 'wan2.7-t2v',
          input: { prompt: 'one prompt for every job' },
          parameters: { resolution: '720P', duration: 2 },
        },
        jobId: uniqueId(prefix),
      });
      return jobId;
    }),
  );
  return Promise.all(ids.map((id) => waitForJob(h.client, id)));
}

/** From the provider's end of each task to its output stored, ms, sorted. */
export function endToStored(records: JobRecord[]): number[] {
  return records
    .map(
      (r) =>
        Date.parse(r.timestamps.stored!) - Date.parse(`${r.timestamps.providerEnd!.replace(' ', 'T')}+08:00`),
    )
    .sort((a, b) => a - b);
}
