// Following a pipeline live: every second, its state and the state of each running stage's job; a line
// (or, with --json, one NDJSON event) whenever something changed and every 15 s, the ETA included; the
// final record last.
import type { Client } from '@temporalio/client';
import type { JobRecord } from '../shared/records';
import type { PipelineRecord } from '../shared/records';
import { getPipelineState, waitForPipeline } from '../client/pipelines';
import { childWorkflowId, pipelineWorkflowId } from '../shared/ids';
import { jobStateQuery } from '../workflows/definitions';
import { pipelineEta } from '../pipelines/eta';
import { progressLine, stageLine, type LiveJobs } from './pipeline-view';

export interface WatchOutput {
  /** Human progress lines (stderr); unset in --json mode. */
  progress?: (line: string) => void;
  /** NDJSON events (stdout) in --json mode. */
  events?: (json: string) => void;
  everyMs?: number;
}

export async function followPipeline(
  client: Client,
  pipelineId: string,
  out: WatchOutput,
): Promise<PipelineRecord> {
  const done = waitForPipeline(client, pipelineId);
  let finished = false;
  void done.then(
    () => (finished = true),
    () => (finished = true),
  );
  let last = '';
  let lastPrinted = 0;
  let warned = false;
  while (!finished) {
    const state = await getPipelineState(client, pipelineId).catch(() => undefined);
    if (!state && !finished && !warned) {
      warned = true;
      out.progress?.(`no worker answered for pipeline ${pipelineId} yet; is \`wanflow worker\` running?`);
    }
    if (state && !finished) {
      const live = await liveJobs(client, state);
      const now = Date.now();
      // What changed is judged without the clock, so a line is printed per change, plus one every 15 s.
      const shape = state.order
        .map((id) => `${id}:${state.stages[id]!.status}:${live[id]?.status}:${live[id]?.providerStatus}`)
        .join();
      if (shape !== last || now - lastPrinted > 15_000) {
        last = shape;
        lastPrinted = now;
        if (out.events) out.events(JSON.stringify(progressEvent(state, live, now)));
        if (out.progress) out.progress(progressLine(state, now, live));
      }
    }
    await Promise.race([done, new Promise((r) => setTimeout(r, out.everyMs ?? 1000))]).catch(() => undefined);
  }
  const record = await done;
  out.events?.(JSON.stringify({ event: 'finished', record }));
  return record;
}

/** The current job of each running stage (its last-started candidate or retry), read by query. */
export async function liveJobs(client: Client, state: PipelineRecord): Promise<LiveJobs> {
  const live: LiveJobs = {};
  await Promise.all(
    state.order
      .filter((id) => state.stages[id]!.status === 'running')
      .map(async (id) => {
        const jobId = state.stages[id]!.jobIds.at(-1);
        if (!jobId) return;
        const childId = childWorkflowId(pipelineWorkflowId(state.pipelineId), jobId);
        live[id] = await client.workflow
          .getHandle(childId)
          .query(jobStateQuery)
          .catch((): JobRecord | undefined => undefined);
      }),
  );
  return live;
}

function progressEvent(state: PipelineRecord, live: LiveJobs, now: number) {
  const eta = pipelineEta(state, now);
  return {
    event: 'progress',
    pipelineId: state.pipelineId,
    status: state.status,
    elapsedSeconds: Math.round((now - Date.parse(state.timestamps.started)) / 1000),
    etaSeconds: eta.seconds,
    overdue: eta.overdue,
    stages: Object.fromEntries(
      state.order.map((id) => {
        const s = state.stages[id]!;
        return [
          id,
          {
            status: s.status,
            job: live[id] ? { status: live[id].status, providerStatus: live[id].providerStatus } : undefined,
            line: stageLine(id, s, now, live[id]),
          },
        ];
      }),
    ),
  };
}
