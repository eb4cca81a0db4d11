// Validates a whole pipeline before anything is paid for: the spec's shape, stage references (missing,
// self, cycles), each stage's request with its references in place, what each reference feeds (an image
// role cannot take a video), and the limits the chain itself can break (a continuation clip's length,
// a reference video's length). Every problem names the stage and the field.
import {
  InvalidRequestError,
  isImageRequest,
  parseWanRequest,
  type FieldProblem,
  type WanRequest,
} from '../wan/validation';
import { mediaFieldsOf } from '../wan/media-roles';
import { modeOf } from '../wan/modes';
import { planWork } from '../wan/billing';
import { assertRouteServes, ROUTE_CAPABILITIES } from '../providers/routes';
import type { TaskTimingModel } from '../wan/timing';
import { applyStageDefaults, type DefaultedSpec } from './defaults';
import { chainProblems, topologicalOrder } from './chain';
import type { PipelinePlan, PlannedStage } from './plan';
import { pipelineSpecSchema, stageRefsOf, substituteRefs } from './spec';

const placeholder = (stage: string, n: number, kind: 'video' | 'image') =>
  `https://stage.invalid/${stage}/${n}.${kind === 'video' ? 'mp4' : 'png'}`;

export function planPipeline(raw: unknown, timing?: TaskTimingModel): PipelinePlan {
  const parsed = pipelineSpecSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    throw new InvalidRequestError(
      parsed.error.issues.map((i) => ({
        field: i.path.join('.') || '(spec)',
        value: 'input' in i ? i.input : undefined,
        message: i.message,
      })),
    );
  }
  const { spec, defaulted } = applyStageDefaults(parsed.data);
  const problems: FieldProblem[] = [];
  const at = (i: number, field: string) => `stages.${i}.${field}`;
  const byId = new Map<string, number>();
  spec.stages.forEach((s, i) => {
    if (byId.has(s.id))
      problems.push({ field: at(i, 'id'), value: s.id, message: `repeats stage ${byId.get(s.id)}'s id` });
    else byId.set(s.id, i);
  });
  const deps = spec.stages.map((s, i) => {
    const refs = stageRefsOf(s.request);
    for (const r of refs) {
      if (r.stage === s.id)
        problems.push({
          field: at(i, `request.${r.field}`),
          value: `stage:${r.stage}`,
          message: 'a stage cannot use its own output',
        });
      else if (!byId.has(r.stage))
        problems.push({
          field: at(i, `request.${r.field}`),
          value: `stage:${r.stage}`,
          message: 'names no stage of this pipeline',
        });
    }
    return [...new Set(refs.map((r) => r.stage).filter((id) => id !== s.id && byId.has(id)))];
  });
  if (problems.length) throw new InvalidRequestError(problems);

  const order = topologicalOrder(spec, deps);
  if (!Array.isArray(order))
    throw new InvalidRequestError([
      { field: 'stages', value: order.cycle.join(' → '), message: 'stage references form a cycle' },
    ]);

  const stages: Record<string, PlannedStage> = {};
  for (const id of order) {
    const i = byId.get(id)!;
    const s = spec.stages[i]!;
    const route = s.route ?? spec.defaults.route ?? 'modelstudio';
    const region = s.region ?? spec.defaults.region ?? ROUTE_CAPABILITIES[route].region ?? 'cn-beijing';
    const refs = stageRefsOf(s.request);
    const body = substituteRefs(s.request, (r) =>
      placeholder(r.stage, r.output, stages[r.stage]?.kind ?? 'video'),
    );
    const checked = problemsOf(() => {
      const parsed = parseWanRequest(body);
      assertRouteServes(route, parsed, region);
      // The route a failed stage falls back to must serve it too: found now, not after the first try.
      const fallback = s.onFailure === 'fallback-route' ? s.fallbackRoute : undefined;
      const fell = fallback && problemsOf(() => assertRouteServes(fallback, parsed, region));
      if (Array.isArray(fell))
        problems.push(...fell.map((p) => ({ ...p, field: at(i, 'fallbackRoute'), value: fallback })));
      return parsed;
    });
    if (Array.isArray(checked)) {
      problems.push(
        ...checked.map((p) => ({
          ...p,
          field: at(i, p.field === 'route' || p.field === 'region' ? p.field : `request.${p.field}`),
        })),
      );
      continue;
    }
    const request: WanRequest = checked;
    // A stage whose source failed validation is checked on its own; its chain is judged once the source is fixed.
    const known = refs.filter((r) => stages[r.stage]);
    problems.push(...chainProblems(i, request, known, stages));
    const inputVideo = known
      .filter((r) => ['reference_video', 'video'].includes(roleAt(request, r.field) ?? ''))
      .reduce((sum, r) => sum + (stages[r.stage]!.outputSeconds ?? 0), 0);
    const plan = planWork(request, inputVideo, timing);
    stages[id] = {
      index: i,
      spec: s,
      route,
      region,
      deps: deps[i]!,
      kind: isImageRequest(request) ? 'image' : 'video',
      outputs: isImageRequest(request) ? request.parameters.n : 1,
      outputSeconds: plan.outputSeconds,
      model: request.model,
      mode: modeOf(request),
      expectedSeconds: plan.expectedTaskSeconds,
      billing: {
        unit: plan.unit,
        quantity: plan.quantity,
        resolution: plan.resolution,
        outputSeconds: plan.outputSeconds,
        ...(plan.lengthChosenByModel ? { lengthChosenByModel: true as const } : {}),
      },
    };
  }
  if (problems.length) throw new InvalidRequestError(problems.map((p) => fromDefaults(p, defaulted)));
  return { spec, order, stages };
}

/** What `check` returns, or the problems of the request it found invalid. */
function problemsOf<T>(check: () => T): T | FieldProblem[] {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof InvalidRequestError)) throw err;
    return err.problems;
  }
}

/** A problem with a value the stage took from the pipeline's defaults says so. */
function fromDefaults(p: FieldProblem, defaulted: DefaultedSpec['defaulted']): FieldProblem {
  const m = /^stages\.(\d+)\.(.+)$/.exec(p.field);
  const from = m ? defaulted.get(Number(m[1]))?.get(m[2]!) : undefined;
  return from ? { ...p, message: `${p.message} (from ${from})` } : p;
}

function roleAt(request: WanRequest, field: string): string | undefined {
  return mediaFieldsOf(request).find((f) => f.field === field)?.role;
}
