// What an agent can do, whatever protocol it speaks (MCP today): quote, start once under its own key,
// follow, cancel, collect and list its runs. Every start is idempotent: the run's ID is the agent's name
// and its key, so a retried, replayed or timed-out call gets the same run back and pays nothing twice.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { WanflowConfig } from '../config/config';
import { startJob } from '../client/jobs';
import { startPipeline } from '../client/pipelines';
import { IdempotencyConflictError, requestHash } from '../client/start-once';
import { cancelRun, findRun, runOutputs, type Run, type RunOutput } from '../client/runs';
import { campaignWorkflowId, jobWorkflowId, pipelineWorkflowId, runIdProblem } from '../shared/ids';
import { WanflowError, EXIT } from '../shared/errors';
import type { AssetStore } from '../storage/store';
import { InvalidRequestError } from '../wan/validation';
import { dailySpend } from '../client/spend';
import { billingDay } from '../shared/spend';
import type { StarterBudget } from '../workflows/job-input';
import { campaignRequest, priceRun, type Estimate, type RunBody } from './quote';
import {
  campaignReport,
  cancelCampaign,
  CampaignNotFoundError,
  getCampaignState,
  startCampaign,
} from '../client/campaigns';
import type { CampaignState } from '../shared/campaigns';
import { checkQuote, QuoteRefusedError, signQuote } from './quotes';
import { campaignView, runView, type RunView } from './views';

export interface AgentSetup {
  client: Client;
  config: WanflowConfig;
  store: AssetStore;
  /** The agent's name: its runs are `<agent>.<key>`. */
  agent: string;
  /** Local files named in requests are read only inside this folder. */
  root: string;
  /** Signs quotes. */
  secret: string;
  /** How long a quote is honoured. */
  quoteTtlMs: number;
  /** New runs a minute this agent may start (repeats of a key are free); absent: no limit. */
  startsPerMinute?: number;
  /** What this agent may spend in a billing day (UTC+8), besides the account's own budget. */
  dailyBudget?: { cap: number; currency: string };
}

/** An agent's day against its budget, as a quote shows it. */
export interface BudgetFigures {
  cap: number;
  currency: string;
  spent: number;
  /** Held by its runs still going. */
  reserved: number;
  left: number;
}

export interface Quote extends Estimate {
  quoteId: string;
  expiresAt: string;
  /** Where the agent has a daily budget: its day, and whether this run fits in what is left. */
  budget?: BudgetFigures & { fits: boolean };
}

/** An output as `result` lists it: a campaign's, from its report, without its size and digest. */
export type AgentOutput = Omit<RunOutput, 'sha256' | 'sizeBytes'> & Partial<RunOutput>;

export interface Started {
  id: string;
  kind: RunBody['kind'];
  /** False when the key already named this run: nothing new was started or paid. */
  created: boolean;
  estimate?: Estimate;
}

// How long `cancel` waits for a canceled run to end before answering (within an MCP client's patience).
const CANCEL_WAIT_MS = 25_000;

export class RunStillRunningError extends WanflowError {
  override readonly name = 'RunStillRunningError';
  override readonly forCaller = true;
  override readonly exitCode = EXIT.wrongState;
  readonly remedy = 'Call `wait` (it returns when the run ends, or says how long is left), then `result`.';
}

export class AgentRateError extends WanflowError {
  override readonly name = 'AgentRateError';
  override readonly forCaller = true;
  override readonly retryable = true;
  readonly remedy: string;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.remedy = `Start it again in ${retryAfterSeconds} s (the same key: nothing is started twice).`;
  }
  override details(): Record<string, unknown> {
    return { retryAfterSeconds: this.retryAfterSeconds, remedy: this.remedy };
  }
}

export class AgentBudgetError extends WanflowError {
  override readonly name = 'AgentBudgetError';
  override readonly forCaller = true;
  override readonly exitCode = EXIT.usage;
  readonly remedy =
    'Wait for the next billing day (UTC+8), make the request cheaper, or raise the dailyBudget in WANFLOW_MCP_AGENTS.';
  constructor(
    message: string,
    readonly figures: BudgetFigures & { estimate?: number },
  ) {
    super(message);
  }
  override details(): Record<string, unknown> {
    return { ...this.figures, remedy: this.remedy };
  }
}

export class AgentOperations {
  private readonly starts?: RateLimiterMemory;
  /** Starts in progress by run ID: a retry that arrives while its first call still runs waits for it. */
  private readonly starting = new Map<string, Promise<unknown>>();

  constructor(private readonly s: AgentSetup) {
    if (s.startsPerMinute) this.starts = new RateLimiterMemory({ points: s.startsPerMinute, duration: 60 });
  }

  async quote(body: RunBody): Promise<Quote> {
    const { hash, estimate } = await priceRun(body, this.s.config, this.s.store, this.s.root, this.s.agent);
    const expiresAt = Date.now() + this.s.quoteTtlMs;
    const budget = await this.budgetFigures();
    const quoteId = signQuote(
      { hash, ...priceOf(estimate), expectedSeconds: estimate.expectedSeconds, expiresAt },
      this.s.secret,
    );
    return {
      ...estimate,
      quoteId,
      expiresAt: new Date(expiresAt).toISOString(),
      ...(budget ? { budget: { ...budget, fits: fits(estimate, budget) } } : {}),
    };
  }

  /**
   * Starts `body` once under `key`. A key that names a run already gives that run back (another request
   * under it is refused) before any quote is checked: a retry after the quote expired still finds its run.
   */
  async start(body: RunBody, key: string, limit: { quoteId?: string; maxCost?: number }): Promise<Started> {
    const keyProblem = runIdProblem('idempotencyKey', key);
    if (keyProblem) throw new InvalidRequestError([keyProblem]);
    const id = `${this.s.agent}.${key}`;
    const idProblem = runIdProblem('idempotencyKey', id);
    if (idProblem)
      throw new InvalidRequestError([
        { ...idProblem, value: key, message: `with the agent's name must be ${idProblem.message}` },
      ]);
    // One start of a key at a time: a campaign's start writes its pages before its workflow exists, so a
    // retry arriving meanwhile would not find it (jobs and pipelines are also safe without: their starts
    // attach to the run).
    const before = this.starting.get(id) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(() => this.startOnce(body, id, key, limit));
    this.starting.set(id, mine);
    try {
      return await mine;
    } finally {
      if (this.starting.get(id) === mine) this.starting.delete(id);
    }
  }

  private async startOnce(
    body: RunBody,
    id: string,
    key: string,
    limit: { quoteId?: string; maxCost?: number },
  ): Promise<Started> {
    const existing = await this.existingKind(id);
    if (existing && existing !== body.kind)
      throw new IdempotencyConflictError(`key ${JSON.stringify(key)} was already used for a ${existing}`);
    if (existing) {
      await this.launch(body, id, requestHash(body));
      return { id, kind: body.kind, created: false };
    }
    const priced = await priceRun(body, this.s.config, this.s.store, this.s.root, this.s.agent);
    const { estimate } = priced;
    if (limit.quoteId) {
      const quoted = checkQuote(limit.quoteId, this.s.secret, priced.hash);
      if (estimate.amount !== undefined && quoted.amount !== undefined && estimate.amount > quoted.amount)
        throw new QuoteRefusedError(
          `the price is now ${estimate.amount} ${estimate.currency}, above the quoted ${quoted.amount} ${quoted.currency}`,
          'Quote again and start with the new quoteId if the new price is acceptable.',
        );
    } else if (limit.maxCost !== undefined) {
      if (estimate.amount === undefined)
        throw new QuoteRefusedError(
          'maxCost cannot hold: no price is known for this request, so its cost is unknown',
          'Start it with a quoteId from `quote` (which says the price is unknown) to accept that.',
        );
      if (estimate.amount > limit.maxCost)
        throw new QuoteRefusedError(
          `the estimate ${estimate.amount} ${estimate.currency} is above maxCost ${limit.maxCost}`,
          'Raise maxCost, or make the request cheaper (shorter, lower resolution).',
        );
    } else
      throw new QuoteRefusedError(
        'a start needs a quoteId or a maxCost',
        'Call `quote` first and pass its quoteId, or pass maxCost: the most you will pay.',
      );
    const budget = await this.budgetFigures();
    if (budget && !fits(estimate, budget))
      throw new AgentBudgetError(
        estimate.currency === budget.currency
          ? `agent ${this.s.agent}'s daily budget of ${budget.cap} ${budget.currency} has ${budget.left} left (${budget.spent} spent, ${budget.reserved} held by runs going): this run's ${estimate.amount} ${estimate.currency} does not fit`
          : `agent ${this.s.agent}'s daily budget is in ${budget.currency}; this run has no price in it`,
        { ...budget, ...(estimate.amount !== undefined ? { estimate: estimate.amount } : {}) },
      );
    await this.starts?.consume(this.s.agent).catch((limited: unknown) => {
      if (!(limited instanceof RateLimiterRes)) throw limited;
      throw new AgentRateError(
        `agent ${this.s.agent} may start ${this.s.startsPerMinute} runs a minute`,
        Math.ceil(limited.msBeforeNext / 1000),
      );
    });
    await this.launch(priced.staged, id, priced.hash);
    return { id, kind: body.kind, created: true, estimate };
  }

  async status(id: string): Promise<RunView> {
    const campaign = await this.campaignState(id);
    if (campaign) return campaignView(id, campaign, Date.now());
    return runView(await this.find(id), Date.now());
  }

  /** Waits up to `seconds` for the run to end; `onProgress` hears how far along it is every few seconds. */
  async wait(id: string, seconds: number, onProgress?: (v: RunView) => Promise<void>): Promise<RunView> {
    const until = Date.now() + seconds * 1000;
    for (;;) {
      const view = await this.status(id);
      if (!view.running || Date.now() >= until) return view;
      await onProgress?.(view);
      await new Promise((r) => setTimeout(r, Math.min(2000, Math.max(0, until - Date.now()))));
    }
  }

  /**
   * Cancels a running run and says what was canceled free and what was kept (paid) once it has ended — a
   * RUNNING task is collected first, which can take minutes live: after 25 s the run comes back still
   * running, and `wait` follows it.
   */
  async cancel(id: string): Promise<RunView> {
    const campaign = await this.campaignState(id);
    const workflowId = campaign
      ? campaignWorkflowId(id)
      : (await cancelRun(this.s.client, this.own(id))).workflowId;
    if (campaign && campaignView(id, campaign, Date.now()).running) await cancelCampaign(this.s.client, id);
    await Promise.race([
      this.s.client.workflow
        .getHandle(workflowId)
        .result()
        .catch(() => undefined),
      new Promise((r) => setTimeout(r, CANCEL_WAIT_MS)),
    ]);
    const view = await this.status(id);
    if (!campaign || view.running) return view;
    // An ended campaign's rows say which of their tasks were canceled free and which were kept (paid).
    const report = await campaignReport(this.s.client, this.s.config, id);
    const kept = report.flatMap((r) => r.kept ?? []);
    const free = report
      .filter((r) => r.status === 'canceled')
      .flatMap((r) => r.taskIds.filter((t) => !kept.includes(t)));
    return kept.length || free.length ? { ...view, canceledFree: free, keptPaid: kept } : view;
  }

  async result(
    id: string,
    expiresInSeconds: number,
  ): Promise<{
    view: RunView;
    outputs: AgentOutput[];
    manifest?: RunOutput | { key: string; location: string; url: string };
    expiresAt: string;
  }> {
    const campaign = await this.campaignState(id);
    if (campaign) return this.campaignResult(id, campaign, expiresInSeconds);
    const run = await this.find(id);
    if (run.running) throw new RunStillRunningError(`${run.kind} ${id} is still running`);
    const view = runView(run, Date.now());
    const outputs = run.record ? runOutputs(run.kind, run.record) : [];
    for (const o of outputs) o.url = await this.s.store.url(o.key, expiresInSeconds);
    const key = run.record?.manifestKey;
    const manifest = key
      ? { key, location: this.s.store.location(key), url: await this.s.store.url(key, expiresInSeconds) }
      : undefined;
    return {
      view,
      outputs,
      manifest,
      expiresAt: new Date(Date.now() + expiresInSeconds * 1000).toISOString(),
    };
  }

  /** This agent's runs, newest first. */
  async list(
    limit: number,
  ): Promise<{ id: string; kind: RunBody['kind']; state: string; started: string }[]> {
    const query = (['job', 'pipeline', 'campaign'] as const)
      .map((kind) => `WorkflowId STARTS_WITH 'wanflow-${kind}-${this.s.agent}.'`)
      .join(' OR ');
    const runs = [];
    for await (const info of this.s.client.workflow.list({ query })) {
      const kind =
        info.type === 'wanPipeline' ? 'pipeline' : info.type === 'wanCampaign' ? 'campaign' : 'job';
      const id = info.workflowId.replace(/^wanflow-(job|pipeline|campaign)-/, '');
      // A pipeline's jobs and a campaign's rows (`<run>/<stage or row>…`) are listed with it.
      if (id.includes('/')) continue;
      runs.push({
        id,
        kind,
        state: info.status.name.toLowerCase(),
        started: info.startTime.toISOString(),
      } as const);
      if (runs.length >= limit) break;
    }
    return runs;
  }

  private async find(id: string): Promise<Run> {
    return findRun(this.s.client, this.own(id));
  }

  /** Agents reach their own runs only. */
  private own(id: string): string {
    if (!id.startsWith(`${this.s.agent}.`))
      throw new InvalidRequestError([
        {
          field: 'id',
          value: id,
          message: `is not a run of agent ${this.s.agent} (its runs are ${this.s.agent}.<key>)`,
        },
      ]);
    return id;
  }

  private async existingKind(id: string): Promise<RunBody['kind'] | undefined> {
    for (const [kind, workflowId] of [
      ['job', jobWorkflowId(id)],
      ['pipeline', pipelineWorkflowId(id)],
      ['campaign', campaignWorkflowId(id)],
    ] as const) {
      try {
        await this.s.client.workflow.getHandle(workflowId).describe();
        return kind;
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }
    return undefined;
  }

  /** A campaign of this agent's, where it stands; undefined when `id` names no campaign. */
  private async campaignState(id: string): Promise<CampaignState | undefined> {
    return getCampaignState(this.s.client, this.s.config, this.own(id)).catch((err: unknown) => {
      if (err instanceof CampaignNotFoundError) return undefined;
      throw err;
    });
  }

  /** An ended campaign's stored outputs (each row's, from its report) and the report itself. */
  private async campaignResult(id: string, state: CampaignState, expiresInSeconds: number) {
    const view = campaignView(id, state, Date.now());
    if (view.running) throw new RunStillRunningError(`campaign ${id} is still running`);
    const { store, client, config } = this.s;
    const report = await campaignReport(client, config, id);
    const outputs: AgentOutput[] = [];
    for (const row of report)
      for (const key of row.outputs)
        outputs.push({
          jobId: row.runId,
          key,
          location: store.location(key),
          url: await store.url(key, expiresInSeconds),
        });
    const key = state.reportKeys?.jsonl;
    return {
      view,
      outputs,
      manifest: key
        ? { key, location: store.location(key), url: await store.url(key, expiresInSeconds) }
        : undefined,
      expiresAt: new Date(Date.now() + expiresInSeconds * 1000).toISOString(),
    };
  }

  /**
   * Starts the run under `id`, or attaches to the one there: a job or pipeline by its start (which checks
   * the request's hash), a campaign by the hash it was started with.
   */
  private async launch(body: RunBody, id: string, hash: string): Promise<void> {
    const { client, config, root } = this.s;
    const budget = this.starterBudget();
    if (body.kind === 'campaign') {
      const existing = await client.workflow
        .getHandle(campaignWorkflowId(id))
        .describe()
        .then(async (d) => ((await d.memo) as { specHash?: string } | undefined)?.specHash ?? '')
        .catch((err: unknown) => {
          if (err instanceof WorkflowNotFoundError) return undefined;
          throw err;
        });
      if (existing !== undefined && existing !== hash)
        throw new IdempotencyConflictError(
          `key ${JSON.stringify(id.slice(this.s.agent.length + 1))} was already used for a different campaign`,
        );
      if (existing === undefined)
        await startCampaign(client, config, {
          ...campaignRequest(body.campaign, id, root, this.s.agent),
          memo: { specHash: hash },
          ...(budget ? { starterBudget: budget } : {}),
        });
      return;
    }
    if (body.kind === 'job')
      await startJob(client, config, {
        request: body.request,
        jobId: id,
        route: body.route,
        region: body.region,
        baseDir: root,
        agent: this.s.agent,
        ...(budget ? { budget } : {}),
      });
    else
      await startPipeline(client, config, {
        spec: body.spec,
        key: id,
        baseDir: root,
        agent: this.s.agent,
        ...(budget ? { budget } : {}),
      });
  }

  /** The agent's budget as its jobs reserve in it: its own ledger per billing day. */
  private starterBudget(): StarterBudget | undefined {
    const b = this.s.dailyBudget;
    if (!b) return undefined;
    return {
      ...b,
      ledger: this.ledgerPrefix(),
      whose: `agent ${this.s.agent}'s`,
      variable: 'WANFLOW_MCP_AGENTS',
      recheckMs: this.s.config.live ? 30_000 : 1_000,
    };
  }

  private ledgerPrefix(): string {
    return `wanflow-agent-spend/${this.s.agent}`;
  }

  /** Today's spend against the agent's budget, from its ledger (nothing yet: the whole cap is left). */
  private async budgetFigures(): Promise<BudgetFigures | undefined> {
    const b = this.s.dailyBudget;
    if (!b) return undefined;
    const day = await dailySpend(this.s.client, this.ledgerPrefix(), billingDay(Date.now()).day);
    const spent = day?.spent ?? 0;
    const reserved = day?.reserved ?? 0;
    const left = Math.max(0, Math.round((b.cap - spent - reserved) * 1e6) / 1e6);
    return { cap: b.cap, currency: b.currency, spent, reserved, left };
  }
}

function fits(e: Estimate, b: BudgetFigures): boolean {
  return e.amount !== undefined && e.currency === b.currency && e.amount <= b.left;
}

function priceOf(e: Estimate): { amount?: number; currency?: string } {
  return e.amount === undefined ? {} : { amount: e.amount, currency: e.currency };
}
