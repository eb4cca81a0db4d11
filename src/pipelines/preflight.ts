// Media preflight of a whole pipeline before its first stage is paid: every stage's own inputs (URLs and
// stored local files; outputs of earlier stages are checked when they exist). A spec whose third stage
// names an unreadable or disallowed input is refused at start, not after two stages were paid for.
import { InvalidRequestError, parseWanRequest, type FieldProblem, type WanRequest } from '../wan/validation';
import { mediaFieldsOf, type MediaField } from '../wan/media-roles';
import { billedInputSeconds, mediaTotalsProblems } from '../wan/media-totals';
import { preflightMedia } from '../media/preflight';
import type { SourcePolicy } from '../media/source-guard';
import { readableRefs } from '../assets/publish';
import type { AssetStore } from '../storage/store';
import { substituteRefs } from './spec';
import type { PipelinePlan } from './plan';

const LATER = 'https://stage.invalid/';

export async function preflightPipeline(
  plan: PipelinePlan,
  store: AssetStore,
  sources: SourcePolicy,
): Promise<void> {
  const problems: FieldProblem[] = [];
  await Promise.all(
    plan.order.map(async (id) => {
      const stage = plan.stages[id]!;
      // planPipeline has validated the request with the same stand-ins for stage outputs.
      const request = parseWanRequest(
        substituteRefs(stage.spec.request, (r) => `${LATER}${r.stage}/${r.output}`),
      );
      const { problems: found } = await preflightRequest(request, store, sources, (url) =>
        url.startsWith(LATER),
      );
      problems.push(...found.map((p) => ({ ...p, field: `stages.${stage.index}.request.${p.field}` })));
    }),
  );
  if (problems.length) throw new InvalidRequestError(problems);
}

/**
 * The problems of one request's media (URLs and stored local files), fields named within the request, and
 * the seconds of input video it bills (the family's billed types); `later` marks inputs that do
 * not exist yet (a pipeline's stage outputs).
 */
export async function preflightRequest(
  request: WanRequest,
  store: AssetStore,
  sources: SourcePolicy,
  later: (url: string) => boolean = () => false,
): Promise<{ problems: FieldProblem[]; inputVideoSeconds: number }> {
  const own = mediaFieldsOf(request);
  const readable = mediaFieldsOf(await readableRefs(request, store))
    .map((f, i) => ({ ...f, trusted: own[i]!.url.startsWith('asset://') }))
    .filter((f) => !later(f.url));
  const found = await preflightMedia(readable, undefined, sources);
  const seconds = (f: MediaField) => found.facts[f.field]?.durationSeconds;
  return {
    problems: [...found.problems, ...mediaTotalsProblems(request, readable, seconds)],
    inputVideoSeconds: billedInputSeconds(request, readable, seconds),
  };
}
