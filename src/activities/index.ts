// The activities, built by a factory over narrow dependencies (providers, store, prices, clock), so a
// worker wires real ones and nothing here reads global configuration.
import { jobFolder } from '../shared/ids';
import { Context } from '@temporalio/activity';
import type { Dispatcher } from 'undici';
import type { VideoProvider } from '../providers/provider';
import type { RouteId } from '../wan/routes';
import type { RegionId } from '../wan/regions';
import type { PriceEntry } from '../wan/pricing';
import type { WanLimits } from '../wan/limits';
import type { MediaLimits } from '../wan/media-limits';
import type { WanRequest } from '../wan/validation';
import type { TaskSnapshot } from '../wan/tasks';
import type { AssetStore } from '../storage/store';
import type { StoredAsset } from '../shared/records';
import { createAgent } from '../providers/http';
import { typed } from './failures';
import { heartbeating } from './heartbeat';
import { validateJob, type ValidateJobInput } from './validate';
import { findSubmittedTask, type FindSubmittedInput, type FindSubmittedResult } from './reconcile';
import { claimCreated, requestCreateLock, temporalClaims, type TaskClaims } from './claims';
import type { JobOptions } from '../shared/job-options';
import type { SourcePolicy } from '../media/source-guard';
import { callbackUrl } from '../webhooks/callback';
import { persistOutput, storeResults } from './persist';
import { canGenerateImagesSync } from '../providers/provider';
import { RequestRejectedError } from '../providers/errors';
import { isImageRequest } from '../wan/validation';
import type { JobRecord } from '../shared/records';
import type { PipelineRecord } from '../shared/records';
import { publishInputs } from './publish';
import { presignRefs, type InputPublishing } from '../assets/publish';
import type { AssetLinks } from '../assets/server';

export interface ActivityDeps {
  provider(route: RouteId, region: RegionId): VideoProvider;
  store: AssetStore;
  prices: readonly PriceEntry[];
  limits?: WanLimits;
  mediaLimits?: MediaLimits;
  now?: () => number;
  downloadDispatcher?: Dispatcher;
  /** How stored inputs (asset:// references) reach the provider. */
  inputPublishing: InputPublishing;
  /** Lifetime of presigned input URLs: long enough for the task to leave the queue. */
  presignTtlSeconds?: number;
  minInputUrlLifetimeMs?: number;
  /** Public base URL of the webhook receiver, for routes that push completion, and its secret. */
  webhookBaseUrl?: string;
  webhookSecret?: string;
  /** Signs URLs of the local asset server, when the filesystem store's inputs are served by one. */
  assetLinks?: AssetLinks;
  /** The timing and submit policy of a route, as this worker calls it (live or the simulator). */
  policy(route: RouteId): JobOptions;
  /** Who owns which provider task (default: claim workflows on the worker's namespace). */
  claims?: TaskClaims;
  /** Which remote media hosts preflight may read (default: public hosts only). */
  sources?: SourcePolicy;
}

export interface TaskRef {
  route: RouteId;
  region: RegionId;
  taskId: string;
}

export function createActivities(deps: ActivityDeps) {
  const now = deps.now ?? Date.now;
  const claims = deps.claims ?? temporalClaims();
  // Result downloads may be large and slow: generous idle timeouts, not a total one.
  const dispatcher =
    deps.downloadDispatcher ?? createAgent({ connectMs: 10_000, headersMs: 60_000, bodyMs: 120_000 });
  return {
    validateJob: typed(
      heartbeating((input: ValidateJobInput) =>
        validateJob(input, {
          policy: deps.policy(input.route),
          sources: deps.sources,
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
      heartbeating(
        async (input: { route: RouteId; region: RegionId; request: WanRequest; deadlineMs?: number }) => {
          // The deadline runs from the activity's start, presigning included: a worker that goes silent
          // (dead, or cut off from Temporal) cannot send a create later than this, so the workflow knows
          // when a lost create can no longer land.
          const signal = input.deadlineMs ? AbortSignal.timeout(input.deadlineMs) : undefined;
          const request = await presignRefs(
            input.request,
            deps.store,
            deps.presignTtlSeconds ?? 24 * 3600,
            deps.assetLinks,
          );
          const workflowId = Context.current().info.workflowExecution?.workflowId ?? '';
          const webhookUrl =
            deps.webhookBaseUrl && deps.webhookSecret && workflowId
              ? callbackUrl(deps.webhookBaseUrl, deps.webhookSecret, input.route, workflowId)
              : undefined;
          const created = await deps.provider(input.route, input.region).createTask(request, {
            webhookUrl,
            signal,
          });
          await claimCreated(
            claims,
            { route: input.route, region: input.region, taskId: created.taskId },
            workflowId,
          );
          return created;
        },
      ),
    ),

    /** Joins the create lock's queue; the grant arrives as a signal. */
    requestCreateLock: typed((input: { lockId: string; requester: string; token: string; leaseMs: number }) =>
      requestCreateLock(input),
    ),

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
    pollTask: typed(async (ref: TaskRef): Promise<TaskSnapshot> => {
      const {
        videoUrl: _video,
        imageUrls: _images,
        ...snapshot
      } = await deps.provider(ref.route, ref.region).getTask(ref.taskId);
      return snapshot;
    }),

    cancelTask: typed(async (ref: TaskRef) => deps.provider(ref.route, ref.region).cancelTask(ref.taskId)),

    persistOutput: typed(async (input: TaskRef & { jobId: string }) =>
      persistOutput(
        {
          provider: deps.provider(input.route, input.region),
          store: deps.store,
          dispatcher,
          now,
          heartbeat: (bytes) => Context.current().heartbeat(bytes),
        },
        input,
      ),
    ),

    /**
     * The synchronous image route in one activity: the call and the storing of every image, so no signed
     * URL reaches history. Storing is retried here, because the images are already paid for.
     */
    generateImagesNow: typed(
      async (input: { route: RouteId; region: RegionId; jobId: string; request: WanRequest }) => {
        const provider = deps.provider(input.route, input.region);
        if (!canGenerateImagesSync(provider) || !isImageRequest(input.request)) {
          throw new RequestRejectedError(
            'bad_input',
            `route ${input.route} has no synchronous image call for ${input.request.model}`,
          );
        }
        const request = await presignRefs(
          input.request,
          deps.store,
          deps.presignTtlSeconds ?? 24 * 3600,
          deps.assetLinks,
        );
        const answer = await provider.generateImagesSync(request);
        const persist = {
          provider,
          store: deps.store,
          dispatcher,
          now,
          heartbeat: (b: number) => Context.current().heartbeat(b),
        };
        for (let attempt = 1; ; attempt++) {
          try {
            const outputs = await storeResults(
              persist,
              input.jobId,
              answer.requestId ?? 'sync call',
              'image',
              answer.imageUrls,
            );
            return {
              outputs,
              requestId: answer.requestId,
              imageCount: answer.imageCount ?? answer.imageUrls.length,
            };
          } catch (err) {
            if (attempt >= 4) throw err;
            await new Promise((r) => setTimeout(r, 2000 * attempt));
          }
        }
      },
    ),

    recordPipeline: typed(async (record: PipelineRecord): Promise<StoredAsset> =>
      deps.store.putJson(`pipelines/${record.pipelineId}/manifest.json`, record),
    ),

    recordJob: typed(async (record: JobRecord): Promise<StoredAsset> =>
      deps.store.putJson(`${jobFolder(record.jobId)}/manifest.json`, record),
    ),
  };
}

export type WanflowActivities = ReturnType<typeof createActivities>;
