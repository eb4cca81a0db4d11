// validateJob: the exact body to send, media preflight, the expected task time and the cost estimate,
// or a typed refusal naming every bad field — before anything is paid for.
import {
  InvalidRequestError,
  isImageRequest,
  parseWanRequest,
  type FieldProblem,
  type WanRequest,
} from '../wan/validation';
import type { JobSpend } from './spend';
import type { TaskTimingModel } from '../wan/timing';
import { assetProblems } from '../assets/stage';
import { costOf, findPrice, type CostFigure, type PriceEntry } from '../wan/pricing';
import type { RegionId } from '../wan/regions';
import type { WanLimits } from '../wan/limits';
import { mapMediaUrls, mediaFieldsOf, type MediaField } from '../wan/media-roles';
import type { MediaLimits } from '../wan/media-limits';
import { planWork, type WorkPlan } from '../wan/billing';
import { billedInputSeconds, mediaTotalsProblems } from '../wan/media-totals';
import type { RouteId } from '../wan/routes';
import { assertRouteServes } from '../providers/routes';
import { preflightMedia } from '../media/preflight';
import { RunTimeModel } from './run-times';
import type { SourcePolicy } from '../media/source-guard';
import type { AssetStore } from '../storage/store';
import { readableRefs } from '../assets/publish';
import { isAssetRef } from '../assets/refs';
import { urlExpiresAt } from '../assets/expiry';
import { redactUrl } from '../shared/redact';
import { createHash } from 'node:crypto';
import type { SourceAsset } from '../shared/records';
import { echoOf } from '../wan/echo';
import { withOverrides, type JobOptions } from '../shared/job-options';
import { createLockWorkflowId } from './claims';

export interface ValidateJobInput {
  route: RouteId;
  region: RegionId;
  request: unknown;
  /** Histories before the worker owned timing: the client's timing model. */
  timing?: TaskTimingModel;
  /** A start's explicit overrides of the worker's policy. */
  options?: Partial<JobOptions>;
}

/** An account slot: its workflow, how many tasks the account may run of the model, how often holders are checked. */
export interface JobSlot {
  id: string;
  capacity: number;
  /** Creates per second the account may send of the model (0: not limited). */
  grantsPerSecond?: number;
  checkEveryMs: number;
}

export interface ValidatedJob {
  request: WanRequest;
  /** The request as the record shows it: media URL queries (signatures) redacted. */
  recordedRequest: WanRequest;
  mediaRoles: string[];
  sourceAssets: SourceAsset[];
  plan: WorkPlan;
  estimate?: CostFigure;
  /** The worker's policy for this route, with the start's overrides (absent in older histories). */
  policy?: JobOptions;
  /**
   * The create lock of requests whose tasks look alike (same echo), on routes whose lost answers can be
   * reconciled through a task list; absent where they cannot.
   */
  createLock?: string;
  /** The account slot the job holds from its create to its task's end; absent where no limit is set. */
  slot?: JobSlot;
  /** The account's daily budget the job reserves its price in before its create; absent where none is set. */
  spend?: JobSpend;
  /** Which finished tasks teach this job's run time (RunTimeModel); its polls report back under it. */
  runTimeKey?: string;
  /** The expected task time is what finished tasks like it took, not the static timing model's guess. */
  learnedTiming?: boolean;
  /**
   * The request names stored assets the route must be given (publishInputs); false: it goes as it is
   * (a text-to-video prompt, public URLs). Absent in older histories: they publish.
   */
  publishes?: boolean;
}

export interface ValidationRules {
  prices: readonly PriceEntry[];
  store: AssetStore;
  now: () => number;
  /** A caller's signed URL must stay valid at least this long: it cannot be refreshed for them. */
  minInputUrlLifetimeMs: number;
  limits?: WanLimits;
  mediaLimits?: MediaLimits;
  /** The worker's policy for the route. */
  policy: JobOptions;
  /** Whether the route keeps a task list (lost create answers can be reconciled). */
  reconcilable: boolean;
  /** Which remote hosts media preflight may read (public ones, and the operator's allow-list). */
  sources?: SourcePolicy;
  /** The account slot for a model on this route and region, where the worker limits it. */
  slot?: (model: string) => JobSlot | undefined;
  /** The daily budget of the account, where the worker sets one. */
  spend?: JobSpend;
  /** What finished tasks under a run-time key took (seconds), once known. */
  learnedSeconds?: (runTimeKey: string) => number | undefined;
}

export async function validateJob(input: ValidateJobInput, rules: ValidationRules): Promise<ValidatedJob> {
  const request = parseWanRequest(input.request, { limits: rules.limits });
  // The client refuses these already; a start from elsewhere (an older client, a hand-made workflow start)
  // is refused here by field too, not failed later as a storage error.
  const unsafeKeys = assetProblems(input.request);
  if (unsafeKeys.length) throw new InvalidRequestError(unsafeKeys);
  assertRouteServes(input.route, request, input.region);
  const fields = mediaFieldsOf(request, rules.mediaLimits);
  // Asset references are probed through URLs of the store's own; the record keeps the references.
  const readable = mediaFieldsOf(await readableRefs(request, rules.store), rules.mediaLimits).map((f, i) => ({
    ...f,
    // The store's own URLs for asset references are ours; every other URL is the user's to check.
    trusted: fields[i]?.url.startsWith('asset://') ?? false,
  }));
  const preflight = await preflightMedia(readable, undefined, rules.sources);
  const facts = (f: MediaField) => preflight.facts[f.field];
  const problems: FieldProblem[] = [
    ...preflight.problems,
    ...expiringUrls(fields, rules.now(), rules.minInputUrlLifetimeMs),
  ];
  const seconds = (f: MediaField) => facts(f)?.durationSeconds;
  problems.push(...mediaTotalsProblems(request, fields, seconds));
  const clip = fields.find((f) => f.role === 'first_clip');
  const clipSeconds = clip && facts(clip)?.durationSeconds;
  if (clipSeconds !== undefined && !isImageRequest(request) && request.parameters.duration <= clipSeconds) {
    problems.push({
      field: 'parameters.duration',
      value: request.parameters.duration,
      message: `with first_clip, duration is the total length including the clip (${clipSeconds.toFixed(2)} s); it must be longer than the clip`,
    });
  }
  if (problems.length) throw new InvalidRequestError(problems);

  const billedInputVideo = billedInputSeconds(request, fields, seconds);
  const policy = withOverrides(rules.policy, input.options);
  const planned = planWork(request, billedInputVideo, policy.timing);
  const runTimeKey = RunTimeModel.key(input.route, request.model, planned.resolution, planned.outputSeconds);
  const learned = rules.learnedSeconds?.(runTimeKey);
  const plan = learned === undefined ? planned : { ...planned, expectedTaskSeconds: learned };
  const price = findPrice(rules.prices, {
    route: input.route,
    region: input.region,
    model: request.model,
    resolution: plan.resolution,
  });
  return {
    request,
    recordedRequest: mapMediaUrls(request, redactUrl),
    mediaRoles: fields.map((f) => f.role),
    sourceAssets: fields.map((f) => ({ role: f.role, url: redactUrl(f.url), facts: facts(f) })),
    publishes: fields.some((f) => isAssetRef(f.url)),
    plan,
    runTimeKey,
    ...(learned !== undefined ? { learnedTiming: true } : {}),
    estimate: costOf(price, plan.quantity),
    policy,
    slot: rules.slot?.(request.model),
    ...(rules.spend ? { spend: rules.spend } : {}),
    createLock: rules.reconcilable
      ? createLockWorkflowId(
          input.route,
          input.region,
          createHash('sha256').update(echoOf(request)).digest('hex').slice(0, 32),
        )
      : undefined,
  };
}

function expiringUrls(fields: MediaField[], now: number, minLifetimeMs: number): FieldProblem[] {
  return fields.flatMap((f) => {
    const at = urlExpiresAt(f.url);
    if (at === undefined || at - now >= minLifetimeMs) return [];
    return [
      {
        field: f.field,
        value: `expires ${new Date(at).toISOString()}`,
        message: `a signed URL must stay valid for at least ${Math.round(minLifetimeMs / 60000)} min after submit; pass a fresh one, or a local file or asset:// reference that wanflow publishes itself`,
      },
    ];
  });
}
