// What the activities are built over: narrow dependencies a worker wires (providers, store, prices,
// clock, policy), so nothing in the activities reads global configuration.
import type { JobSpend } from './spend';
import type { Dispatcher } from 'undici';
import type { VideoProvider } from '../providers/provider';
import type { RouteId } from '../wan/routes';
import type { RegionId } from '../wan/regions';
import type { PriceEntry } from '../wan/pricing';
import type { WanLimits } from '../wan/limits';
import type { MediaLimits } from '../wan/media-limits';
import type { AssetStore } from '../storage/store';
import type { JobOptions } from '../shared/job-options';
import type { SourcePolicy } from '../media/source-guard';
import type { InputPublishing } from '../assets/publish';
import type { AssetLinks } from '../assets/server';
import type { TaskClaims } from './claims';
import type { JobSlot } from './validate';
import type { TaskWatcherRef } from './watch';

import type { RunTimeModel } from './run-times';

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
  /** The account slot a job of this route, region and model holds (default: none, no limit). */
  slots?(route: RouteId, region: RegionId, model: string): JobSlot | undefined;
  /** The daily budget of the account a route and region are called with (default: none). */
  spend?(route: RouteId, region: RegionId): JobSpend | undefined;
  /**
   * The day's books (ledger prefix) of the account, where no daily budget holds its jobs: each job books
   * what it spent when it ends (default: none).
   */
  books?(route: RouteId, region: RegionId): string | undefined;
  /** The task queries a second this worker may send: its polls and the pages of its sweeps share them. */
  queriesPerSecond?: number;
  /** The task watcher of the account a route and region are called with (default: none, jobs poll). */
  watcher?(route: RouteId, region: RegionId): TaskWatcherRef | undefined;
  /** Model Studio's completion events reach the webhook receiver, which wakes each task's job. */
  taskEvents?: boolean;
  /** What finished tasks took (default: a model of this worker process's own). */
  runTimes?: RunTimeModel;
}

export interface TaskRef {
  route: RouteId;
  region: RegionId;
  taskId: string;
}
