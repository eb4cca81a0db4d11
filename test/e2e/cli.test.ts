// The operator's interface as an operator uses it: the built `wanflow` command against real servers —
// run, list by state and label, watch with ETA, status, result, cancel — with its exit codes and --json,
// and the search attributes that find runs in the Temporal Web UI.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { useJobStack } from '../harness/stack';
import { testEnv } from '../harness/servers';
import { eventually, registerNamespace, wanflow } from '../harness/cli';
import { spawnWorkerProcess } from '../harness/workers';
import { makeImage } from '../harness/media';
import type { RunRow } from '../../src/client/run-list';
import type { PipelineRecord } from '../../src/shared/records';
import type { JobRecord } from '../../src/shared/records';
import { readJson } from '../harness/jobs';
import { searchAttributesUsable } from '../../src/client/setup';

interface WatchEvent {
  event: 'progress' | 'finished';
  etaSeconds?: number;
  stages?: Record<string, { status: string; job?: { status: string } }>;
  record?: PipelineRecord;
}

const stack = useJobStack('cli-e2e');
const env = () => testEnv(stack.servers, 'cli-e2e');
const teaser = resolve(__dirname, '../../examples/teaser.yaml');
beforeEach(() => stack.servers.simulator.reset());

const listed = async (...args: string[]) => {
  const r = await wanflow(['list', '--json', ...args], env());
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as RunRow[];
};

describe('wanflow operator commands', () => {
  it('run → watch (NDJSON, ETA) → status → result → list, on the shipped example', async () => {
    stack.servers.simulator.setFaults({ slowTaskExtraMs: 1500 });
    const started = await wanflow(
      ['run', teaser, '--key', 'cli-teaser', '--label', 'team=promo', '--label', 'wave=1', '--no-wait'],
      env(),
    );
    expect(started).toMatchObject({ code: 0, stdout: 'cli-teaser\n' });

    const watched = await wanflow(['watch', 'cli-teaser', '--json'], env());
    expect(watched.code, watched.stderr).toBe(0);
    const events = watched.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as WatchEvent);
    const progress = events.filter((e) => e.event === 'progress');
    expect(progress.length).toBeGreaterThan(1);
    // While stages remain, the ETA is positive, and the running stage's job is read live.
    expect(progress[0]!.etaSeconds).toBeGreaterThan(0);
    expect(
      progress.some((e) => Object.values(e.stages!).some((s) => s.status === 'running' && s.job?.status)),
    ).toBe(true);
    const finished = events.at(-1)!;
    expect(finished.event).toBe('finished');
    expect(finished.record!.status).toBe('stored');

    const status = await wanflow(['status', 'cli-teaser'], env());
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/pipeline cli-teaser \(teaser\): stored/);
    for (const stage of ['explore', 'extend', 'cast', 'finish'])
      expect(status.stdout).toMatch(new RegExp(`${stage}\\s+stored`));

    // A pipeline's job by `<pipeline>/<stage>`.
    const job = await wanflow(['status', 'cli-teaser/cast', '--json'], env());
    expect(JSON.parse(job.stdout)).toMatchObject({
      kind: 'job',
      running: false,
      record: { jobId: 'cli-teaser/cast', model: 'wan2.7-r2v', status: 'stored' },
    });

    const result = await wanflow(['result', 'cli-teaser', '--json', '--urls'], env());
    expect(result.code, result.stderr).toBe(0);
    const { outputs, manifest } = JSON.parse(result.stdout);
    expect(outputs.map((o: { stage: string }) => o.stage)).toEqual(['explore', 'extend', 'cast', 'finish']);
    expect(outputs[3].location).toMatch(/^s3:\/\/wanflow-test\/.+\.mp4$/);
    // The signed URL serves exactly the stored bytes.
    const body = Buffer.from(await (await fetch(outputs[3].url)).arrayBuffer());
    expect(createHash('sha256').update(body).digest('hex')).toBe(outputs[3].sha256);
    expect(manifest.location).toBe('s3://wanflow-test/pipelines/cli-teaser/manifest.json');

    const byLabel = await eventually(
      () => listed('--label', 'team=promo', '--state', 'stored'),
      (rows) => rows.some((r) => r.id === 'cli-teaser'),
    );
    expect(byLabel.find((r) => r.id === 'cli-teaser')).toMatchObject({
      state: 'stored',
      name: 'teaser',
      labels: expect.arrayContaining(['team=promo', 'wave=1']),
      models: expect.arrayContaining(['wan2.7-t2v', 'wan2.7-i2v', 'wan2.7-r2v', 'wan2.7-videoedit']),
    });
    expect(await listed('--label', 'team=nobody')).toEqual([]);
    expect((await listed('--state', 'running', '--label', 'team=promo')).map((r) => r.id)).not.toContain(
      'cli-teaser',
    );

    // Every child job carries its pipeline, stage and model: what the Web UI's search box finds.
    const jobs: string[] = [];
    for await (const w of stack.h.client.workflow.list({
      query: `WanflowPipeline = 'cli-teaser' AND WorkflowType = 'wanJob' AND WanflowState = 'stored'`,
    }))
      jobs.push(w.workflowId);
    expect(jobs.sort()).toEqual(
      ['cast', 'explore', 'extend', 'finish'].map((s) => `wanflow-pipeline-cli-teaser/${s}`),
    );
    const r2v: string[] = [];
    for await (const w of stack.h.client.workflow.list({
      query: `WanflowModel = 'wan2.7-r2v' AND WanflowStage = 'cast' AND WorkflowType = 'wanJob'`,
    }))
      r2v.push(w.workflowId);
    expect(r2v).toEqual(['wanflow-pipeline-cli-teaser/cast']);
  }, 120_000);

  it('a running pipeline: listed as running at its stage, result refused (5), canceled (3), cancel again refused (5)', async () => {
    stack.servers.simulator.setFaults({ slowTaskExtraMs: 10_000 });
    const started = await wanflow(
      ['run', teaser, '--key', 'cli-cancel', '--label', 'team=promo', '--json', '--no-wait'],
      env(),
    );
    expect(JSON.parse(started.stdout)).toEqual({ kind: 'pipeline', id: 'cli-cancel' });

    const running = await eventually(
      () => listed('--state', 'running', '--label', 'team=promo'),
      (rows) => rows.some((r) => r.id === 'cli-cancel' && (r.runningStages?.length ?? 0) > 0),
    );
    expect(running.find((r) => r.id === 'cli-cancel')!.runningStages).toEqual(['explore']);

    const early = await wanflow(['result', 'cli-cancel'], env());
    expect(early.code).toBe(5);
    expect(early.stderr).toMatch(/still running; wait with --wait/);

    const status = await wanflow(['status', 'cli-cancel'], env());
    expect(status.stdout).toMatch(/: running · elapsed \d+ s · ETA ~\d+ s/);
    expect(status.stdout).toMatch(/extend\s+waiting\s+~\d+ s after explore/);

    const canceled = await wanflow(['cancel', 'cli-cancel', '--wait', '--json'], env());
    expect(canceled.code, canceled.stderr).toBe(3);
    const record = JSON.parse(canceled.stdout) as PipelineRecord;
    expect(record.status).toBe('canceled');
    expect(record.stages.cast!.status).toBe('canceled');

    const again = await wanflow(['cancel', 'cli-cancel'], env());
    expect(again).toMatchObject({ code: 5, stdout: expect.stringMatching(/already ended: canceled/) });
    const rows = await eventually(
      () => listed('--state', 'canceled'),
      (rs) => rs.some((r) => r.id === 'cli-cancel'),
    );
    expect(rows.map((r) => r.id)).toContain('cli-cancel');
    // Canceling paid for at most the first stage's task.
    expect(stack.servers.simulator.stats().tasksCreated).toBe(1);
  }, 120_000);

  it('setup registers the search attributes on a namespace that lacks them, once', async () => {
    await registerNamespace(stack.h.client, 'cli-setup');
    // Until they are registered, a query naming them is refused: the check `wanflow setup` waits on.
    expect(await searchAttributesUsable(stack.h.client, 'cli-setup')).toBe(false);
    const inSetup = { ...env(), TEMPORAL_NAMESPACE: 'cli-setup' };
    const first = await eventually(
      () => wanflow(['setup'], inSetup),
      (r) => r.code === 0,
    );
    expect(first.stdout).toMatch(
      /registered search attributes in namespace cli-setup: WanflowPipeline, WanflowStage, WanflowModel, WanflowState, WanflowLabels/,
    );
    expect(await searchAttributesUsable(stack.h.client, 'cli-setup')).toBe(true);
    const again = await wanflow(['setup'], inSetup);
    expect(again).toMatchObject({ code: 0, stdout: expect.stringMatching(/already has/) });
    const { customAttributes } = await stack.h.client.connection.operatorService.listSearchAttributes({
      namespace: 'cli-setup',
    });
    expect(Object.keys(customAttributes ?? {})).toEqual(
      expect.arrayContaining([
        'WanflowPipeline',
        'WanflowStage',
        'WanflowModel',
        'WanflowState',
        'WanflowLabels',
      ]),
    );
  });

  it('a namespace without the attributes: refused with the remedy, or run untagged when they are off', async () => {
    await registerNamespace(stack.h.client, 'cli-plain');
    const plain = { ...env(), TEMPORAL_NAMESPACE: 'cli-plain', WANFLOW_TASK_QUEUE: 'cli-plain' };
    const refused = await eventually(
      () => wanflow(['run', teaser, '--key', 'plain-1', '--no-wait'], plain),
      (r) => !/[Nn]amespace .*not found/.test(r.stderr),
    );
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/wanflow setup/);
    expect(stack.servers.simulator.stats().createRequests).toBe(0);

    const off = { ...plain, WANFLOW_SEARCH_ATTRIBUTES: 'off' };
    const worker = spawnWorkerProcess(off);
    try {
      const run = await wanflow(['run', teaser, '--key', 'plain-2', '--json'], off);
      expect(run.code, run.stderr).toBe(0);
      const rows = await eventually(
        () => wanflow(['list', '--json'], off).then((r) => JSON.parse(r.stdout) as RunRow[]),
        (rs) => rs.some((r) => r.id === 'plain-2' && r.state === 'completed'),
      );
      expect(rows.find((r) => r.id === 'plain-2')).toMatchObject({ state: 'completed', labels: [] });
      const filtered = await wanflow(['list', '--state', 'stored'], off);
      expect(filtered).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/needs the wanflow search attributes/),
      });
    } finally {
      worker.kill('SIGKILL');
    }
  });

  it('run follows a job from its flags to the stored video by default; a spec or a body on standard input runs too', async () => {
    const job = await wanflow(
      ['run', '--prompt', 'a paper boat', '--duration', '2', '--key', 'cli-job', '--json'],
      env(),
    );
    expect(job.code, job.stderr).toBe(0);
    const finished = JSON.parse(job.stdout.trim().split('\n').at(-1)!) as {
      event: string;
      record: JobRecord;
    };
    expect(finished).toMatchObject({ event: 'finished', record: { jobId: 'cli-job', status: 'stored' } });
    expect(finished.record.outputs![0]!.durationSeconds).toBeCloseTo(2, 0);
    // The same key and request again gives the stored job back (nothing paid); another request is refused.
    const created = stack.servers.simulator.stats().tasksCreated;
    const again = await wanflow(
      ['run', '--prompt', 'a paper boat', '--duration', '2', '--key', 'cli-job'],
      env(),
    );
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^job cli-job: stored/);
    const other = await wanflow(
      ['run', '--prompt', 'a paper plane', '--duration', '2', '--key', 'cli-job'],
      env(),
    );
    expect(other).toMatchObject({
      code: 6,
      stderr: expect.stringMatching(/"cli-job" was already used for a different job request/),
    });
    expect(stack.servers.simulator.stats().tasksCreated).toBe(created);
    // `list` shows jobs as the studio does, and filters by kind and model.
    const jobs = await eventually(
      () => listed('--kind', 'job', '--model', 'wan2.7-t2v'),
      (rows) => rows.some((r) => r.id === 'cli-job'),
    );
    expect(jobs.find((r) => r.id === 'cli-job')).toMatchObject({ kind: 'job', state: 'stored' });
    expect(jobs.every((r) => r.kind === 'job')).toBe(true);
    expect((await listed('--kind', 'pipeline')).map((r) => r.id)).not.toContain('cli-job');
    const table = await wanflow(['list', '--kind', 'job'], env());
    expect(table.stdout).toMatch(/^ID\s+KIND\s+STATE/);
    expect(table.stdout).toMatch(/^cli-job\s+job\s+stored/m);

    const body = JSON.stringify({
      model: 'wan2.7-t2v',
      input: { prompt: 'from stdin' },
      parameters: { duration: 2 },
    });
    const fromStdin = await wanflow(
      ['run', '-', '--key', 'cli-stdin-job', '--no-wait', '--json'],
      env(),
      body,
    );
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(JSON.parse(fromStdin.stdout)).toEqual({ kind: 'job', id: 'cli-stdin-job' });
    const spec = await wanflow(
      ['run', '-', '--key', 'cli-stdin-spec', '--no-wait'],
      env(),
      readFileSync(teaser, 'utf8'),
    );
    expect(spec).toMatchObject({ code: 0, stdout: 'cli-stdin-spec\n' });
    const watched = await wanflow(['watch', 'cli-stdin-spec'], env());
    expect(watched.code, watched.stderr).toBe(0);
    expect((await wanflow(['result', 'cli-stdin-job', '--wait'], env())).code).toBe(0);
    // Request flags beside a file are refused before anything starts; a job takes no labels.
    const mixed = await wanflow(['run', teaser, '--prompt', 'x'], env());
    expect(mixed).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--prompt cannot be combined with a file/),
    });
    const labelled = await wanflow(['run', '--prompt', 'x', '--label', 'a=b'], env());
    expect(labelled).toMatchObject({ code: 2, stderr: expect.stringMatching(/--label is for a pipeline/) });
  }, 120_000);

  it('status of a run no worker serves says so within seconds instead of hanging', async () => {
    const orphan = { ...env(), WANFLOW_TASK_QUEUE: 'cli-no-worker' };
    expect((await wanflow(['run', teaser, '--key', 'cli-orphan', '--no-wait'], orphan)).code).toBe(0);
    const status = await wanflow(['status', 'cli-orphan'], orphan);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/pipeline cli-orphan: running since .*no worker answered for its state/);
    const early = await wanflow(['result', 'cli-orphan'], orphan);
    expect(early.code).toBe(5);
    await stack.h.client.workflow.getHandle('wanflow-pipeline-cli-orphan').terminate('test over');
  });

  it('files named in a spec are found next to it, stored, and sent as asset:// refs; a missing one names its stage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wanflow-spec-'));
    copyFileSync(await makeImage(640, 480), join(dir, 'poster.png'));
    const stage = (url: string) => ({
      version: 1,
      stages: [
        {
          id: 'animate',
          request: {
            model: 'wan2.7-i2v',
            input: { prompt: 'the poster comes alive', media: [{ type: 'first_frame', url }] },
            parameters: { resolution: '720P', duration: 2 },
          },
        },
      ],
    });
    writeFileSync(join(dir, 'good.json'), JSON.stringify(stage('./poster.png')));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(stage('./missing.png')));

    const run = await wanflow(['run', join(dir, 'good.json'), '--key', 'cli-files', '--json'], env());
    expect(run.code, run.stderr).toBe(0);
    const record = (JSON.parse(run.stdout.trim().split('\n').at(-1)!) as WatchEvent).record!;
    const job = record.stages.animate!.jobs[0]!;
    const manifest = await readJson<JobRecord>(stack.h.store, job.manifestKey!);
    expect(manifest.request).toMatchObject({
      input: { media: [{ url: expect.stringMatching(/^asset:\/\/inputs\/[0-9a-f]{32}\/poster\.png$/) }] },
    });
    // The output follows the 4:3 poster.
    expect(job.outputs![0]).toMatchObject({ width: 1104, height: 832 });

    const bad = await wanflow(
      ['run', join(dir, 'bad.json'), '--key', 'cli-missing-file', '--no-wait'],
      env(),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /stages\.0\.request\.input\.media\.0\.url: is neither a URL nor a readable local file \(got "\.\/missing\.png"\)/,
    );
  });

  it('a failed stage: later stages skipped, watch and result exit 1, status names the cause', async () => {
    stack.servers.simulator.setFaults({ dataInspectionTask: 1 });
    expect((await wanflow(['run', teaser, '--key', 'cli-failed', '--no-wait'], env())).code).toBe(0);
    const watched = await wanflow(['watch', 'cli-failed', '--json'], env());
    expect(watched.code).toBe(1);
    const record = (JSON.parse(watched.stdout.trim().split('\n').at(-1)!) as WatchEvent).record!;
    expect(record.order.map((id) => record.stages[id]!.status)).toEqual([
      'failed',
      'skipped',
      'skipped',
      'skipped',
    ]);
    const status = await wanflow(['status', 'cli-failed'], env());
    expect(status.stdout).toMatch(
      /explore\s+failed .*\(content_policy: task .* failed: DataInspectionFailed/,
    );
    const result = await wanflow(['result', 'cli-failed', '--json'], env());
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'failed', outputs: [] });
    expect(stack.servers.simulator.stats().tasksCreated).toBe(1);
  });

  it("one stage's job canceled on its own: its dependents are skipped, not left waiting", async () => {
    stack.servers.simulator.setFaults({ queueExtraMs: 15_000 });
    expect((await wanflow(['run', teaser, '--key', 'cli-stage-cancel', '--no-wait'], env())).code).toBe(0);
    await eventually(
      () => wanflow(['status', 'cli-stage-cancel/explore', '--json'], env()),
      (r) => r.code === 0 && JSON.parse(r.stdout).record?.providerStatus === 'PENDING',
    );
    const canceled = await wanflow(['cancel', 'cli-stage-cancel/explore', '--wait'], env());
    expect(canceled.code, canceled.stderr).toBe(3);
    const done = await wanflow(['watch', 'cli-stage-cancel', '--json'], env());
    expect(done.code).toBe(1);
    const record = (JSON.parse(done.stdout.trim().split('\n').at(-1)!) as WatchEvent).record!;
    expect(record.status).toBe('failed');
    expect(record.order.map((id) => record.stages[id]!.status)).toEqual([
      'canceled',
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(stack.servers.simulator.stats()).toMatchObject({ tasksCreated: 1, cancels: 1 });
  });

  it('exit codes scripts rely on: 2 bad input (nothing started), 4 unknown ID, 6 key taken by another spec, 7 no Temporal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wanflow-cli-'));
    const cycle = join(dir, 'cycle.json');
    writeFileSync(
      cycle,
      JSON.stringify({
        version: 1,
        stages: [
          {
            id: 'a',
            request: {
              model: 'wan2.7-i2v',
              input: { media: [{ type: 'first_frame', url: 'stage:b' }] },
            },
          },
          {
            id: 'b',
            request: {
              model: 'wan2.7-i2v',
              input: { media: [{ type: 'first_frame', url: 'stage:a' }] },
            },
          },
        ],
      }),
    );
    const bad = await wanflow(['run', cycle, '--key', 'cli-cycle', '--no-wait'], env());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/stages: stage references form a cycle \(got "a → b"\)/);

    const badLabel = await wanflow(['run', teaser, '--label', 'no-equals-sign', '--no-wait'], env());
    expect(badLabel).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/option '--label <key=value>' argument 'no-equals-sign' is invalid/),
    });
    const badState = await wanflow(['list', '--state', 'sleeping'], env());
    expect(badState).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /option '--state <state>' argument 'sleeping' is invalid\. Allowed choices are/,
      ),
    });

    const nowhere = await wanflow(['status', 'anything'], { ...env(), TEMPORAL_ADDRESS: '127.0.0.1:9' });
    expect(nowhere).toMatchObject({
      code: 7,
      stderr: expect.stringMatching(/cannot reach Temporal at 127\.0\.0\.1:9/),
    });

    const missing = await wanflow(['status', 'no-such-run'], env());
    expect(missing).toMatchObject({
      code: 4,
      stderr: expect.stringMatching(/no pipeline or job with ID "no-such-run"/),
    });

    const first = await wanflow(['run', teaser, '--key', 'cli-conflict', '--no-wait'], env());
    expect(first.code).toBe(0);
    const other = await wanflow(
      ['run', teaser, '--key', 'cli-conflict', '--label', 'team=other', '--no-wait'],
      env(),
    );
    expect(other).toMatchObject({
      code: 6,
      stderr: expect.stringMatching(/already used for a different pipeline spec/),
    });
    const same = await wanflow(['run', teaser, '--key', 'cli-conflict', '--no-wait'], env());
    expect(same).toMatchObject({ code: 0, stdout: 'cli-conflict\n' });
    const done = await wanflow(['result', 'cli-conflict', '--wait'], env());
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/^finish\s+s3:\/\/wanflow-test\/.+\.mp4$/m);
    expect(stack.servers.simulator.stats().tasksCreated).toBe(4);
    await expect(
      stack.h.client.workflow.getHandle('wanflow-pipeline-cli-cycle').describe(),
    ).rejects.toThrow();
  }, 120_000);
});
