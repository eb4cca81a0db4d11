// The rules a chain of stages can break on its own: the order stages can run in (a cycle has none), and
// what each reference feeds — the right kind of media, an output that exists, lengths within the
// role's limits (a continuation clip shorter than the total, a reference video within its limit).
import { isImageRequest, type FieldProblem, type WanRequest } from '../wan/validation';
import { mediaFieldsOf } from '../wan/media-roles';
import { mediaTotalsProblems } from '../wan/media-totals';
import type { PipelineSpec, stageRefsOf } from './spec';
import type { PlannedStage } from './plan';

/** What references feed: the right kind of media, an output that exists, lengths within the role's limits. */
export function chainProblems(
  i: number,
  request: WanRequest,
  refs: ReturnType<typeof stageRefsOf>,
  stages: Record<string, PlannedStage>,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const fields = mediaFieldsOf(request);
  for (const r of refs) {
    const field = `stages.${i}.request.${r.field}`;
    const source = stages[r.stage]!;
    const media = fields.find((f) => f.field === r.field);
    if (!media) continue;
    if (media.rule.kind !== source.kind) {
      problems.push({
        field,
        value: `stage:${r.stage}`,
        message: `${media.role} takes ${media.rule.kind === 'audio' ? 'audio' : `a ${media.rule.kind}`}, but stage ${r.stage} produces ${source.kind === 'image' ? 'images' : 'a video'}`,
      });
      continue;
    }
    if (r.output < 1 || r.output > source.outputs)
      problems.push({
        field,
        value: `stage:${r.stage}#${r.output}`,
        message: `stage ${r.stage} produces ${source.outputs} output(s), numbered from 1`,
      });
    const seconds = source.outputSeconds;
    if (seconds === undefined) continue;
    if (media.rule.minSeconds !== undefined && seconds < media.rule.minSeconds)
      problems.push({
        field,
        value: `${seconds} s`,
        message: `${media.role} must last at least ${media.rule.minSeconds} s; stage ${r.stage} makes ${seconds} s`,
      });
    if (media.rule.maxSeconds !== undefined && seconds > media.rule.maxSeconds)
      problems.push({
        field,
        value: `${seconds} s`,
        message: `${media.role} must last at most ${media.rule.maxSeconds} s; stage ${r.stage} makes ${seconds} s`,
      });
    if (media.role === 'first_clip' && !isImageRequest(request) && request.parameters.duration <= seconds) {
      problems.push({
        field: `stages.${i}.request.parameters.duration`,
        value: request.parameters.duration,
        message: `with first_clip the duration is the total length; it must exceed stage ${r.stage}'s ${seconds} s`,
      });
    }
  }
  // What earlier stages' outputs add up to (Wan 3.0: reference video seconds together, input + output).
  const made = new Map(refs.map((r) => [r.field, stages[r.stage]!.outputSeconds]));
  const fed = fields.filter((f) => made.get(f.field) !== undefined);
  problems.push(
    ...mediaTotalsProblems(request, fed, (f) => made.get(f.field)).map((p) => ({
      ...p,
      field: `stages.${i}.request.${p.field}`,
    })),
  );
  return problems;
}

export function topologicalOrder(spec: PipelineSpec, deps: string[][]): string[] | { cycle: string[] } {
  const ids = spec.stages.map((s) => s.id);
  const pending = new Map(ids.map((id, i) => [id, new Set(deps[i])]));
  const order: string[] = [];
  while (pending.size) {
    const ready = [...pending].filter(([, d]) => [...d].every((x) => order.includes(x))).map(([id]) => id);
    if (!ready.length) return { cycle: [...pending.keys()] };
    for (const id of ready) {
      order.push(id);
      pending.delete(id);
    }
  }
  return order;
}
