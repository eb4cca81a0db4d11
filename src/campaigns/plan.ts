// A campaign's plan, made before anything is paid: every row's request (or pipeline spec) from the
// template, validated as a single start would be — each problem naming the row's line and the field —
// the exact estimate per row and in total, and the expected makespan under the account's limits.
import { planPipeline } from '../pipelines/validate';
import type { PipelinePlan } from '../pipelines/plan';
import { assertRouteServes } from '../providers/routes';
import { limitsOf, type ModelLimits } from '../config/account-limits';
import { planWork } from '../wan/billing';
import { costOf, findPrice, type CostFigure, type PriceEntry } from '../wan/pricing';
import type { RegionId } from '../wan/regions';
import type { RouteId } from '../wan/routes';
import type { TaskTimingModel } from '../wan/timing';
import { InvalidRequestError, parseWanRequest, type FieldProblem, type WanRequest } from '../wan/validation';
import { keyRows } from './keys';
import { withLocalStandIns } from '../assets/stage';
import type { CampaignRows } from './rows';
import { expandTemplate, templateVariables } from './template';

export interface CampaignTemplate {
  kind: 'job' | 'pipeline';
  /** The request or spec with `{{column}}` placeholders; absent: each JSONL row is a whole request. */
  body?: unknown;
  /** A job's route and region (a pipeline's stages name their own). */
  route?: RouteId;
  region?: RegionId;
}

/** One task a row will run: what it bills and how long it is expected to take. */
export interface PlannedTask {
  model: string;
  expectedSeconds: number;
  estimate?: CostFigure;
}

export interface PlannedRow {
  key: string;
  line: number;
  /** The request (jobs) or spec (pipelines) the row starts. */
  body: unknown;
  tasks: PlannedTask[];
}

export interface CampaignPlan {
  rows: PlannedRow[];
  /** Rows repeated in the file (same values): they run once. */
  duplicates: { line: number; sameAs: number }[];
  /** Estimated total per currency, over the rows whose every task has a price. */
  estimate: Record<string, number>;
  /** Rows with a task no price is known for: not in the estimate, never guessed. */
  unpriced: number;
  /** Σ(expected task time) / concurrent tasks per model, for the slowest model: the least it can take. */
  makespanSeconds: number;
}

export interface PlanOptions {
  keyColumn?: string;
  route: RouteId;
  region: RegionId;
  prices: readonly PriceEntry[];
  limits: Record<string, ModelLimits>;
  timing?: TaskTimingModel;
  /** Problems shown at most (a broken template breaks every row alike). */
  maxProblems?: number;
}

export function planCampaign(template: CampaignTemplate, input: CampaignRows, o: PlanOptions): CampaignPlan {
  const problems: FieldProblem[] = [];
  if (template.body !== undefined) {
    const missing = templateVariables(template.body).filter((v) => !input.columns.includes(v));
    if (missing.length)
      throw new InvalidRequestError(
        missing.map((v) => ({
          field: 'template',
          value: `{{${v}}}`,
          message: `names a column the rows do not have (columns: ${input.columns.join(', ')})`,
        })),
      );
  }
  if (o.keyColumn !== undefined && !input.columns.includes(o.keyColumn))
    throw new InvalidRequestError([
      {
        field: '--key-column',
        value: o.keyColumn,
        message: `is not a column (columns: ${input.columns.join(', ')})`,
      },
    ]);
  const keyed = keyRows(input.rows, o.keyColumn);
  problems.push(...keyed.problems);
  const rows: PlannedRow[] = [];
  for (const row of keyed.rows) {
    const at = (field: string) => `rows[line ${row.line}]${field ? `.${field}` : ''}`;
    let body: unknown = row.values;
    if (template.body !== undefined) {
      const expanded = expandTemplate(template.body, row.values);
      problems.push(
        ...expanded.problems.map((p) => ({ field: at(p.path), value: p.value, message: p.message })),
      );
      if (expanded.problems.length) continue;
      body = expanded.value;
    }
    try {
      rows.push({ key: row.key, line: row.line, body, tasks: tasksOf(template, body, o) });
    } catch (err) {
      if (!(err instanceof InvalidRequestError)) throw err;
      problems.push(...err.problems.map((p) => ({ ...p, field: at(p.field) })));
    }
    if (problems.length >= (o.maxProblems ?? 50)) break;
  }
  if (problems.length) throw new InvalidRequestError(problems.slice(0, o.maxProblems ?? 50));
  return { rows, duplicates: keyed.duplicates, ...totals(rows, o.limits) };
}

/**
 * A job row's task. Its input video seconds (r2v references, videoedit's video) are billed too: known once
 * the row's media are probed at start, and counted in the estimate its budget reserves from then on.
 */
export function jobTask(
  template: CampaignTemplate,
  request: WanRequest,
  o: PlanOptions,
  inputVideoSeconds = 0,
): PlannedTask {
  const route = template.route ?? o.route;
  const region = template.region ?? o.region;
  assertRouteServes(route, request, region);
  const work = planWork(request, inputVideoSeconds, o.timing);
  const price = findPrice(o.prices, { route, region, model: request.model, resolution: work.resolution });
  return {
    model: request.model,
    expectedSeconds: work.expectedTaskSeconds,
    estimate: costOf(price, work.quantity),
  };
}

/** The tasks one request (a job) or spec (a pipeline) will run, each with its estimate and expected time. */
export function tasksOf(template: CampaignTemplate, body: unknown, o: PlanOptions): PlannedTask[] {
  // Local files are staged only when the campaign starts: here they stand as references to be.
  if (template.kind === 'job') return [jobTask(template, parseWanRequest(withLocalStandIns(body)), o)];
  const plan: PipelinePlan = planPipeline(body, o.timing);
  return plan.order.flatMap((id) => {
    const s = plan.stages[id]!;
    const price = findPrice(o.prices, {
      route: s.route,
      region: s.region,
      model: s.model,
      resolution: s.billing?.resolution,
    });
    const task = {
      model: s.model,
      expectedSeconds: s.expectedSeconds,
      estimate: costOf(price, s.billing?.quantity ?? 0),
    };
    return Array.from({ length: s.spec.candidates }, () => task);
  });
}

function totals(rows: PlannedRow[], limits: Record<string, ModelLimits>) {
  const estimate: Record<string, number> = {};
  let unpriced = 0;
  const work = new Map<string, number>();
  for (const row of rows) {
    if (row.tasks.some((t) => !t.estimate)) unpriced += 1;
    else
      for (const t of row.tasks)
        estimate[t.estimate!.currency] =
          Math.round(((estimate[t.estimate!.currency] ?? 0) + t.estimate!.amount) * 1e6) / 1e6;
    for (const t of row.tasks) work.set(t.model, (work.get(t.model) ?? 0) + t.expectedSeconds);
  }
  const makespanSeconds = Math.max(
    0,
    ...[...work].map(([model, seconds]) => seconds / limitsOf(limits, model).concurrentTasks),
  );
  return { estimate, unpriced, makespanSeconds: Math.round(makespanSeconds) };
}
