// The activities, built by a factory over narrow dependencies (providers, store, prices, clock), so a
// worker wires real ones and nothing here reads global configuration.
import { Context } from '@temporalio/activity';
import { jobFolder, pipelineFolder } from '../shared/ids';
import type { JobRecord, PipelineRecord, StoredAsset } from '../shared/records';
import type { RouteId } from '../wan/routes';
import type { RegionId } from '../wan/regions';
import type { WanRequest } from '../wan/validation';
import type { TaskSnapshot } from '../wan/tasks';
import { createAgent } from '../providers/http';
import { typed } from './failures';
import { heartbeating } from './heartbeat';
import { validateJob, type ValidateJobInput } from './validate';
import { findSubmittedTask, type FindSubmittedInput, type FindSubmittedResult } from './reconcile';
import {
  closedWorkflows,
  requestCreateLock,
  requestSlot,
  temporalClaims,
  type CreateLockAsk,
} from './claims';
import { persistOutput } from './persist';
import { publishInputs } from './publish';
import { checkStoredInputRoutes, type StoredInputStage } from './stored-inputs';
import { submitUnderLock, type SubmitInput } from './submit';
import { generateImagesNow, type SyncImagesInput } from './images';
import type { ActivityDeps, TaskRef } from './deps';
import { FinishedTasks } from './finished-tasks';
import { TaskMemory, sweepEndedTasks, type SweepInput } from './watch';
import { queryPacer } from './query-pacer';
import { WorkflowNotFoundError } from '@temporalio/client';
import { taskNoticeSignal } from '../shared/notices';
import { RunTimeModel, secondsBetween } from './run-times';
import { bookSpend, reserveSpend, SpendBookkeeper, type ReserveSpendInput } from './spend';
import { spentOf } from '../shared/money';
import type { CampaignPageRef, CampaignState, RowOutcome } from '../shared/campaigns';
import { finishCampaign, readCampaignPage, writeCampaignPart } from './campaigns';
import { endedRowRuns } from './row-runs';

export function createActivities(deps: ActivityDeps) {
  const now = deps.now ?? Date.now;
  const claims = deps.claims ?? temporalClaims();
  const runTimes = deps.runTimes ?? new RunTimeModel();
  const finished = new FinishedTasks();
  const pace = queryPacer(deps.queriesPerSecond ?? 10);
  const seen = new TaskMemory<true>();
  const owners = new TaskMemory<string>();
  // Bookings of jobs that end close together go to their day's ledger as one signal.
  const bookkeeper = new SpendBookkeeper();
  // Result downloads may be large and slow: generous idle timeouts, not a total one.
  const dispatcher =
    deps.downloadDispatcher ?? createAgent({ connectMs: 10_000, headersMs: 60_000, bodyMs: 120_000 });
  return {
    validateJob: typed(
      heartbeating((input: ValidateJobInput) =>
        validateJob(input, {
          policy: deps.policy(input.route),
          sources: deps.sources,
          slot: deps.slots ? (model) => deps.slots!(input.route, input.region, model) : undefined,
          spend: deps.spend?.(input.route, input.region),
          learnedSeconds: (key) => runTimes.predict(key),
          reconcilable: typeof deps.provider(input.route, input.region).listTasks === 'function',
          prices: deps.prices,
          limits: deps.limits,
          mediaLimits: deps.mediaLimits,
          store: deps.store,
          now,
          minInputUrlLifetimeMs: deps.minInputUrlLifetimeMs ?? 30 * 60_000,
        }),
      ),
    ),

    publishInputs: typed(
      heartbeating(async (input: { route: RouteId; region: RegionId; request: WanRequest }) =>
        publishInputs(
          {
            provider: deps.provider(input.route, input.region),
            store: deps.store,
            publishing: deps.inputPublishing,
          },
          input.request,
        ),
      ),
    ),

    /**
     * One create, aborted at its deadline, and the claim of the task it made. Stored inputs still
     * referenced are presigned here, at the last moment.
     */
    submitTask: typed(
      heartbeating(async (input: SubmitInput) => {
        const answer = await submitUnderLock(deps, claims, input);
        if ('taskId' in answer)
          Context.current()
            .metricMeter.createCounter('wanflow_tasks_created', 'tasks', 'paid tasks created at a provider')
            .add(1, { route: input.route, region: input.region, model: input.request.model });
        return answer;
      }),
    ),

    /** A pipeline's stages that take stored media are on routes that can take them (before any is paid). */
    checkStoredInputRoutes: typed(async (stages: StoredInputStage[]) =>
      checkStoredInputRoutes({ provider: deps.provider, publishing: deps.inputPublishing }, stages),
    ),

    /** Reserves a job's price in its account's daily budget (the day's ledger decides). */
    reserveSpend: typed((input: ReserveSpendInput) =>
      reserveSpend(input, Context.current().client, Context.current().info.taskQueue, now),
    ),

    /** Joins an account slot's queue; the grant arrives as a signal. */
    requestSlot: typed((input: Parameters<typeof requestSlot>[0]) => requestSlot(input)),

    /** Which holders of an account slot have closed without releasing (read by ID). */
    closedWorkflows: typed((input: { workflowIds: string[] }) => closedWorkflows(input)),

    /** Joins the create lock's queue; the grant arrives as a signal. */
    requestCreateLock: typed((input: CreateLockAsk) => requestCreateLock(input)),

    findSubmittedTask: typed(
      heartbeating(
        async (
          input: FindSubmittedInput & { route: RouteId; region: RegionId },
        ): Promise<FindSubmittedResult> =>
          findSubmittedTask(
            {
              provider: deps.provider(input.route, input.region),
              claims,
              key: { route: input.route, region: input.region },
              sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
            },
            input,
          ),
      ),
    ),

    /** One query. Signed result URLs are left out: persistOutput fetches them again. */
    pollTask: typed(async (ref: TaskRef & { runTimeKey?: string }): Promise<TaskSnapshot> => {
      await pace();
      const task = await deps.provider(ref.route, ref.region).getTask(ref.taskId);
      if (task.status === 'SUCCEEDED') {
        finished.set(ref.taskId, { task, at: now() });
        const seconds = secondsBetween(task.submitTime, task.endTime);
        if (ref.runTimeKey && seconds !== undefined) runTimes.observe(ref.runTimeKey, seconds);
      }
      // Signed result URLs stay out of history: persistOutput takes them from here or reads them again.
      const { videoUrl: _video, imageUrls: _images, ...snapshot } = task;
      return snapshot;
    }),

    cancelTask: typed(async (ref: TaskRef) => deps.provider(ref.route, ref.region).cancelTask(ref.taskId)),

    /** One sweep of an account's task list: the owners of tasks that ended are woken. */
    sweepEndedTasks: typed(
      heartbeating((input: SweepInput) => {
        const client = Context.current().client;
        return sweepEndedTasks(
          {
            provider: deps.provider(input.route, input.region),
            claims,
            seen,
            owners,
            now,
            listLagMs: deps.policy(input.route).submit.listLagMs ?? 15_000,
            pace,
            wake: (owner, taskId) =>
              client.workflow
                .getHandle(owner)
                .signal(taskNoticeSignal, { route: input.route, requestId: '', taskId, ended: true })
                .then(
                  () => true,
                  (err) => {
                    if (err instanceof WorkflowNotFoundError) return false;
                    throw err;
                  },
                ),
          },
          input,
        );
      }),
    ),

    persistOutput: typed(async (input: TaskRef & { jobId: string }) =>
      persistOutput(
        {
          provider: deps.provider(input.route, input.region),
          store: deps.store,
          dispatcher,
          now,
          heartbeat: (bytes) => Context.current().heartbeat(bytes),
          finished: (taskId) => finished.take(taskId, now()),
        },
        input,
      ),
    ),

    /**
     * The synchronous image route in one activity: the call and the storing of every image, so no signed
     * URL reaches history. Storing is retried here, because the images are already paid for.
     */
    generateImagesNow: typed((input: SyncImagesInput) => generateImagesNow(deps, dispatcher, now, input)),

    recordPipeline: typed(async (record: PipelineRecord): Promise<StoredAsset> =>
      deps.store.putJson(`${pipelineFolder(record.pipelineId)}/manifest.json`, record),
    ),

    readCampaignPage: typed((key: string) => readCampaignPage(deps.store, key)),
    writeCampaignPart: typed((input: { key: string; outcomes: RowOutcome[] }) =>
      writeCampaignPart(deps.store, input),
    ),
    finishCampaign: typed((input: { state: CampaignState; pages: CampaignPageRef[] }) =>
      finishCampaign(deps.store, input),
    ),
    endedRowRuns: typed((input: { campaignId: string; keys: string[] }) =>
      endedRowRuns(Context.current().client, input),
    ),

    /** The job's manifest; where no daily budget held it, what it spent goes into the day's books. */
    recordJob: typed(async (record: JobRecord): Promise<StoredAsset> => {
      const stored = await deps.store.putJson(`${jobFolder(record.jobId)}/manifest.json`, record);
      const ledger = deps.books?.(record.route, record.region);
      const amount = spentOf(record, record.cost.estimated?.amount ?? 0);
      const currency = record.cost.billed?.currency ?? record.cost.estimated?.currency;
      if (ledger && amount > 0 && currency) {
        const { client } = Context.current();
        const { taskQueue } = Context.current().info;
        await bookkeeper.book(ledger, amount, currency, (l, booking) =>
          bookSpend({ ledger: l, booking }, client, taskQueue, now),
        );
      }
      return stored;
    }),
  };
}

export type WanflowActivities = ReturnType<typeof createActivities>;
